package org.consentry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.identity.UserDirectory;

/**
 * {@code consentry user add-patient|add-practitioner|add-researcher}: a Keycloak user linked to
 * FHIR, with a generated password (printed once, and kept for {@code consentry token}), and for a
 * practitioner the purposes of use it is granted ({@code --purpose CODE}, repeatable).
 */
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
  public int run(List<String> args, Context context) {
    if (args.isEmpty() || List.of("-h", "--help").contains(args.get(0))) {
      if (args.isEmpty()) {
        throw new UsageException(
            "expected add-patient, add-practitioner, add-researcher or add-auditor");
      }
      context.out().println(usage());
      return ConsentryCli.OK;
    }
    String verb = args.get(0);
    List<String> rest = args.subList(1, args.size());
    IdentitySettings settings = IdentitySettings.from(context.env());
    UserDirectory users = new UserDirectory(settings.admin());
    String password;
    String username;
    Set<String> purposes = Set.of();
    try {
      Arguments parsed = Arguments.parse(rest);
      username = parsed.positional().isEmpty() ? null : parsed.positional().get(0);
      password =
          switch (verb) {
            case "add-patient" -> {
              parsed.require(2, Set.of(), "add-patient needs USERNAME Patient/ID");
              yield users.addPatient(username, parsed.positional().get(1));
            }
            case "add-practitioner" -> {
              parsed.require(
                  2,
                  Set.of("--organization", "--purpose"),
                  "add-practitioner needs USERNAME Practitioner/ID [--organization Organization/ID] [--purpose CODE]...");
              List<String> organization = parsed.values("--organization");
              expect(organization.size() <= 1, "--organization may be given once");
              purposes = new LinkedHashSet<>(parsed.values("--purpose"));
              yield users.addPractitioner(
                  username,
                  parsed.positional().get(1),
                  organization.isEmpty() ? null : organization.get(0),
                  purposes);
            }
            case "add-researcher" -> {
              parsed.require(1, Set.of(), "add-researcher needs USERNAME");
              yield users.addResearcher(username);
            }
            case "add-auditor" -> {
              parsed.require(1, Set.of(), "add-auditor needs USERNAME");
              yield users.addAuditor(username);
            }
            default -> throw new UsageException("unknown verb '" + verb + "'");
          };
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
    if (!purposes.isEmpty()) {
      context
          .out()
          .printf(
              "Granted purposes of use: %s (choose one per request with the X-Purpose-Of-Use header)%n",
              String.join(", ", purposes));
    }
    context.out().printf("Token: ./consentry token %s%n", username);
    if (verb.equals("add-patient")) {
      String fhir = context.env().getOrDefault("CONSENTRY_FHIR_URL", ImportCommand.DEFAULT_SERVER);
      context
          .out()
          .printf(
              "Patient portal: %s/portal/ (sign in as %s)%n",
              fhir.replaceAll("/+$", "").replaceAll("/fhir$", ""), username);
    }
    return ConsentryCli.OK;
  }

  private static void expect(boolean condition, String message) {
    if (!condition) {
      throw new UsageException(message);
    }
  }

  /** Positional arguments and {@code --name value} options, each option possibly repeated. */
  private record Arguments(List<String> positional, Map<String, List<String>> options) {

    static Arguments parse(List<String> args) {
      List<String> positional = new ArrayList<>();
      Map<String, List<String>> options = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (!arg.startsWith("--")) {
          positional.add(arg);
          continue;
        }
        UserCommand.expect(
            i + 1 < args.size() && !args.get(i + 1).startsWith("--"), arg + " needs a value");
        options.computeIfAbsent(arg, k -> new ArrayList<>()).add(args.get(++i));
      }
      return new Arguments(positional, options);
    }

    void require(int positionals, Set<String> allowed, String message) {
      for (String option : options.keySet()) {
        if (!allowed.contains(option)) {
          throw new UsageException(
              option.equals("--purpose")
                  ? "--purpose is for practitioners: patients act for PATRQT, researchers for HRESCH"
                  : "unknown option " + option);
        }
      }
      UserCommand.expect(positional.size() == positionals, message);
    }

    List<String> values(String option) {
      return options.getOrDefault(option, List.of());
    }
  }
}
