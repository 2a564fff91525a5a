package org.consentry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.identity.UserDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consentry user add-patient|add-practitioner|add-researcher}: a Keycloak user linked to
 * FHIR, with a generated password (printed once, and kept for {@code consentry token}), and for a
 * practitioner the purposes of use it is granted ({@code --purpose CODE}, repeatable).
 */
@Command(
    name = "user",
    subcommands = {
      UserCommand.AddPatient.class,
      UserCommand.AddPractitioner.class,
      UserCommand.AddResearcher.class,
      UserCommand.AddAuditor.class
    })
final class UserCommand implements CliCommand {

  @Override
  public String name() {
    return "user";
  }

  @Override
  public String summary() {
    return "add-patient | add-practitioner | add-researcher | add-auditor: Keycloak users";
  }

  @Override
  public String usage() {
    return """
				usage: consentry user add-patient USERNAME Patient/ID
				       consentry user add-practitioner USERNAME Practitioner/ID [--organization Organization/ID] [--purpose CODE]...
				       consentry user add-researcher USERNAME
				       consentry user add-auditor USERNAME
				  Creates the user (or updates its link) and sets a new generated password, which is printed
				  and saved under $CONSENTRY_HOME/keycloak/passwords for ./consentry token USERNAME.
				  --purpose CODE: a purpose of use the practitioner may act for besides TREAT (realm role
				    purpose:CODE), e.g. ETREAT for emergency access; repeat it for several. Re-adding a user
				    replaces its purposes with those given.
				Exit code: 0 done, 2 could not run.""";
  }

  @Override
  public int call(Context context) {
    throw new UsageException(
        "expected add-patient, add-practitioner, add-researcher or add-auditor");
  }

  @Override
  public String unexpected(String argument) {
    return "unknown verb '" + argument + "'";
  }

  /**
   * A verb: {@code USERNAME} and what links it to FHIR; {@code --purpose} is refused with the
   * reason unless the verb is {@code add-practitioner}.
   */
  private abstract static class Verb implements CliPart {
    @Parameters List<String> positional = new ArrayList<>();

    /** The verb's name, its positional words and the message when they are not all there. */
    abstract String name();

    abstract int positionals();

    abstract String needs();

    /** Adds the user; returns its new password. */
    abstract String add(UserDirectory users, String username);

    Set<String> purposes() {
      return Set.of();
    }

    @Override
    public String unknownOption(String option) {
      return option.equals("--purpose")
          ? "--purpose is for practitioners: patients act for PATRQT, researchers for HRESCH"
          : "unknown option " + option;
    }

    @Override
    public String unexpected(String argument) {
      return needs();
    }

    @Override
    public int call(Context context) {
      if (positional.size() != positionals()) {
        throw new UsageException(needs());
      }
      String username = positional.get(0);
      IdentitySettings settings = IdentitySettings.from(context.env());
      String password;
      try {
        password = add(new UserDirectory(settings.admin()), username);
        settings.savePassword(username, password);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } catch (ProvisioningException
          | jakarta.ws.rs.ProcessingException
          | jakarta.ws.rs.WebApplicationException e) {
        context.err().println("consentry user: " + IdentityErrors.describe(e, settings.admin()));
        return ConsentryCli.CANNOT_RUN;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      context
          .out()
          .printf(
              "User %s is ready. Password: %s (saved to %s)%n",
              username, password, settings.passwordFile(username));
      if (!purposes().isEmpty()) {
        context
            .out()
            .printf(
                "Granted purposes of use: %s (choose one per request with the X-Purpose-Of-Use header)%n",
                String.join(", ", purposes()));
      }
      context.out().printf("Token: ./consentry token %s%n", username);
      if (name().equals("add-patient")) {
        String fhir = FhirServer.named(null, context.env());
        context
            .out()
            .printf(
                "Patient portal: %s/portal/ (sign in as %s)%n",
                fhir.replaceAll("/+$", "").replaceAll("/fhir$", ""), username);
      }
      return ConsentryCli.OK;
    }
  }

  @Command(name = "add-patient")
  static final class AddPatient extends Verb {
    @Override
    String name() {
      return "add-patient";
    }

    @Override
    int positionals() {
      return 2;
    }

    @Override
    String needs() {
      return "add-patient needs USERNAME Patient/ID";
    }

    @Override
    String add(UserDirectory users, String username) {
      return users.addPatient(username, positional.get(1));
    }
  }

  @Command(name = "add-practitioner")
  static final class AddPractitioner extends Verb {
    @Option(names = "--organization")
    List<String> organization = new ArrayList<>();

    @Option(names = "--purpose")
    List<String> purpose = new ArrayList<>();

    @Override
    String name() {
      return "add-practitioner";
    }

    @Override
    int positionals() {
      return 2;
    }

    @Override
    String needs() {
      return "add-practitioner needs USERNAME Practitioner/ID [--organization Organization/ID]"
          + " [--purpose CODE]...";
    }

    @Override
    Set<String> purposes() {
      return new LinkedHashSet<>(purpose);
    }

    @Override
    public String unknownOption(String option) {
      return "unknown option " + option;
    }

    @Override
    public int call(Context context) {
      if (organization.size() > 1) {
        throw new UsageException("--organization may be given once");
      }
      return super.call(context);
    }

    @Override
    String add(UserDirectory users, String username) {
      return users.addPractitioner(
          username,
          positional.get(1),
          organization.isEmpty() ? null : organization.get(0),
          purposes());
    }
  }

  @Command(name = "add-researcher")
  static final class AddResearcher extends Verb {
    @Override
    String name() {
      return "add-researcher";
    }

    @Override
    int positionals() {
      return 1;
    }

    @Override
    String needs() {
      return "add-researcher needs USERNAME";
    }

    @Override
    String add(UserDirectory users, String username) {
      return users.addResearcher(username);
    }
  }

  @Command(name = "add-auditor")
  static final class AddAuditor extends Verb {
    @Override
    String name() {
      return "add-auditor";
    }

    @Override
    int positionals() {
      return 1;
    }

    @Override
    String needs() {
      return "add-auditor needs USERNAME";
    }

    @Override
    String add(UserDirectory users, String username) {
      return users.addAuditor(username);
    }
  }
}
