package org.consentry.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.identity.RealmProvisioner;
import org.consentry.cli.identity.TokenClient;
import org.consentry.cli.identity.UserDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code consentry keycloak provision}: applies the realm definition to Keycloak (idempotent);
 * {@code app-url} lets the patient portal sign patients in at the server's address; {@code
 * ehr-organization} and {@code ehr-purpose} set whom the {@code ehr-system} client acts for and for
 * which purposes of use.
 */
@Command(
    name = "keycloak",
    subcommands = {
      KeycloakCommand.Provision.class,
      KeycloakCommand.AppUrl.class,
      KeycloakCommand.EhrOrganization.class,
      KeycloakCommand.EhrPurpose.class
    })
final class KeycloakCommand implements CliCommand {

  @Override
  public String name() {
    return "keycloak";
  }

  @Override
  public String summary() {
    return "provision | app-url URL | ehr-organization Organization/ID | ehr-purpose [CODE]...: set up the consentry realm";
  }

  @Override
  public String usage() {
    return """
				usage: consentry keycloak provision
				       consentry keycloak app-url URL
				       consentry keycloak ehr-organization Organization/ID
				       consentry keycloak ehr-purpose [CODE]...
				  provision: applies keycloak/consentry-realm.json to Keycloak; safe to re-run.
				  app-url: the server's base URL as browsers reach it (e.g. https://consentry.example.org): the patient
				           portal at URL/portal/ may then sign patients in (up does this for its own address).
				  ehr-organization: the organization the ehr-system client acts for (its tokens' organization claim,
				                    which patients' Consents can name as actor).
				  ehr-purpose: the purposes of use the ehr-system client may act for besides TREAT (realm roles
				               purpose:CODE, e.g. HPAYMT HOPERAT); replaces those granted before, none revokes all.
				  env: CONSENTRY_KEYCLOAK_URL (default http://127.0.0.1:8180), CONSENTRY_KEYCLOAK_REALM (consentry),
				       CONSENTRY_KEYCLOAK_ADMIN (admin), CONSENTRY_KEYCLOAK_ADMIN_PASSWORD
				Exit code: 0 done, 2 could not run.""";
  }

  private static final String EXPECTED =
      "expected 'provision', 'app-url URL', 'ehr-organization Organization/ID' or 'ehr-purpose"
          + " [CODE]...'";

  @Override
  public int call(Context context) {
    throw new UsageException(EXPECTED);
  }

  @Override
  public String unknownOption(String option) {
    return EXPECTED;
  }

  @Override
  public String unexpected(String argument) {
    return EXPECTED;
  }

  /** A verb: what a wrong command line gets is the list of verbs. */
  private abstract static class Verb implements CliPart {
    @Override
    public String unknownOption(String option) {
      return EXPECTED;
    }

    @Override
    public String unexpected(String argument) {
      return EXPECTED;
    }
  }

  @Command(name = "provision")
  static final class Provision extends Verb {
    @Override
    public int call(Context context) {
      IdentitySettings settings = IdentitySettings.from(context.env());
      try {
        List<String> changes =
            new RealmProvisioner(settings.admin(), line -> context.err().println("  " + line))
                .provision();
        context
            .out()
            .printf(
                "Realm %s at %s is provisioned (%d changes).%n",
                settings.admin().realm(), settings.admin().baseUrl(), changes.size());
        return ConsentryCli.OK;
      } catch (ProvisioningException
          | jakarta.ws.rs.ProcessingException
          | jakarta.ws.rs.WebApplicationException e) {
        context
            .err()
            .println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
        return ConsentryCli.CANNOT_RUN;
      }
    }
  }

  /** A verb that changes the directory: one value ({@code app-url}, {@code ehr-organization}). */
  private abstract static class DirectoryVerb extends Verb {
    @Parameters List<String> values = new ArrayList<>();

    abstract void apply(UserDirectory directory, Context context);

    /** How many values the verb takes: exactly one, or any number (-1). */
    int arity() {
      return 1;
    }

    @Override
    public int call(Context context) {
      if (arity() >= 0 && values.size() != arity()) {
        throw new UsageException(EXPECTED);
      }
      IdentitySettings settings = IdentitySettings.from(context.env());
      try {
        apply(new UserDirectory(settings.admin()), context);
        return ConsentryCli.OK;
      } catch (IllegalArgumentException e) {
        throw new UsageException((this instanceof AppUrl ? "app-url: " : "") + e.getMessage());
      } catch (ProvisioningException
          | jakarta.ws.rs.ProcessingException
          | jakarta.ws.rs.WebApplicationException e) {
        context
            .err()
            .println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
        return ConsentryCli.CANNOT_RUN;
      }
    }
  }

  @Command(name = "app-url")
  static final class AppUrl extends DirectoryVerb {
    @Override
    void apply(UserDirectory directory, Context context) {
      URI base = URI.create(values.get(0));
      directory.allowAppUrl(TokenClient.APP_CLIENT, base);
      context.out().printf("The patient portal may sign patients in at %s/portal/.%n", base);
    }
  }

  @Command(name = "ehr-organization")
  static final class EhrOrganization extends DirectoryVerb {
    @Override
    void apply(UserDirectory directory, Context context) {
      directory.setClientOrganization(TokenClient.EHR_CLIENT, values.get(0));
      context
          .out()
          .printf("The %s client now acts for %s.%n", TokenClient.EHR_CLIENT, values.get(0));
    }
  }

  @Command(name = "ehr-purpose")
  static final class EhrPurpose extends DirectoryVerb {
    @Override
    int arity() {
      return -1;
    }

    @Override
    void apply(UserDirectory directory, Context context) {
      Set<String> purposes = new TreeSet<>(values);
      directory.setClientPurposes(TokenClient.EHR_CLIENT, purposes);
      Set<String> actsFor = new TreeSet<>(purposes);
      actsFor.add("TREAT");
      context
          .out()
          .printf(
              "The %s client may now act for %s (new tokens only).%n",
              TokenClient.EHR_CLIENT, String.join(", ", actsFor));
    }
  }
}
