package org.consentry.cli;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.identity.RealmProvisioner;
import org.consentry.cli.identity.TokenClient;
import org.consentry.cli.identity.UserDirectory;

/**
 * {@code consentry keycloak provision}: applies the realm definition to Keycloak (idempotent);
 * {@code app-url} lets the patient portal sign patients in at the server's address; {@code
 * ehr-organization} and {@code ehr-purpose} set whom the {@code ehr-system} client acts for and for
 * which purposes of use.
 */
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

  @Override
  public int run(List<String> args, Context context) {
    if (args.size() == 1 && List.of("-h", "--help").contains(args.get(0))) {
      context.out().println(usage());
      return ConsentryCli.OK;
    }
    boolean provision = args.size() == 1 && args.get(0).equals("provision");
    boolean organization = args.size() == 2 && args.get(0).equals("ehr-organization");
    boolean purpose = !args.isEmpty() && args.get(0).equals("ehr-purpose");
    boolean appUrl = args.size() == 2 && args.get(0).equals("app-url");
    if (!provision && !organization && !purpose && !appUrl) {
      throw new UsageException(
          "expected 'provision', 'app-url URL', 'ehr-organization Organization/ID' or 'ehr-purpose"
              + " [CODE]...'");
    }
    IdentitySettings settings = IdentitySettings.from(context.env());
    if (organization || purpose || appUrl) {
      try {
        UserDirectory directory = new UserDirectory(settings.admin());
        if (appUrl) {
          URI base = URI.create(args.get(1));
          directory.allowAppUrl(TokenClient.APP_CLIENT, base);
          context.out().printf("The patient portal may sign patients in at %s/portal/.%n", base);
        } else if (organization) {
          directory.setClientOrganization(TokenClient.EHR_CLIENT, args.get(1));
          context
              .out()
              .printf("The %s client now acts for %s.%n", TokenClient.EHR_CLIENT, args.get(1));
        } else {
          Set<String> purposes = new TreeSet<>(args.subList(1, args.size()));
          directory.setClientPurposes(TokenClient.EHR_CLIENT, purposes);
          Set<String> actsFor = new TreeSet<>(purposes);
          actsFor.add("TREAT");
          context
              .out()
              .printf(
                  "The %s client may now act for %s (new tokens only).%n",
                  TokenClient.EHR_CLIENT, String.join(", ", actsFor));
        }
        return ConsentryCli.OK;
      } catch (IllegalArgumentException e) {
        throw new UsageException((appUrl ? "app-url: " : "") + e.getMessage());
      } catch (ProvisioningException
          | jakarta.ws.rs.ProcessingException
          | jakarta.ws.rs.WebApplicationException e) {
        context
            .err()
            .println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
        return ConsentryCli.CANNOT_RUN;
      }
    }
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
      context.err().println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
      return ConsentryCli.CANNOT_RUN;
    }
  }
}
