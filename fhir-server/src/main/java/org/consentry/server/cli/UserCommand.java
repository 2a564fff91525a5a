package org.consentry.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.consentry.server.identity.ProvisioningException;
import org.consentry.server.identity.UserDirectory;

/**
 * {@code consentry user add-patient|add-practitioner|add-researcher}: a Keycloak user linked to
 * FHIR, with a generated password (printed once, and kept for {@code consentry token}).
 */
final class UserCommand implements CliCommand {

	@Override
	public String name() {
		return "user";
	}

	@Override
	public String summary() {
		return "add-patient | add-practitioner | add-researcher: Keycloak users linked to FHIR";
	}

	@Override
	public String usage() {
		return """
				usage: consentry user add-patient USERNAME Patient/ID
				       consentry user add-practitioner USERNAME Practitioner/ID [--organization Organization/ID]
				       consentry user add-researcher USERNAME
				  Creates the user (or updates its link) and sets a new generated password, which is printed
				  and saved under $CONSENTRY_HOME/keycloak/passwords for ./consentry token USERNAME.
				Exit code: 0 done, 2 could not run.""";
	}

	@Override
	public int run(List<String> args, Context context) {
		if (args.isEmpty() || List.of("-h", "--help").contains(args.get(0))) {
			if (args.isEmpty()) {
				throw new UsageException("expected add-patient, add-practitioner or add-researcher");
			}
			context.out().println(usage());
			return ConsentryCli.OK;
		}
		String verb = args.get(0);
		List<String> rest = args.subList(1, args.size());
		IdentitySettings settings = IdentitySettings.from(context.env());
		UserDirectory users = new UserDirectory(settings.admin());
		String username = rest.isEmpty() ? null : rest.get(0);
		String password;
		try {
			password = switch (verb) {
				case "add-patient" -> {
					expect(rest.size() == 2, "add-patient needs USERNAME Patient/ID");
					yield users.addPatient(username, rest.get(1));
				}
				case "add-practitioner" -> {
					boolean withOrg = rest.size() == 4 && rest.get(2).equals("--organization");
					expect(rest.size() == 2 || withOrg, "add-practitioner needs USERNAME Practitioner/ID [--organization Organization/ID]");
					yield users.addPractitioner(username, rest.get(1), withOrg ? rest.get(3) : null);
				}
				case "add-researcher" -> {
					expect(rest.size() == 1, "add-researcher needs USERNAME");
					yield users.addResearcher(username);
				}
				default -> throw new UsageException("unknown verb '" + verb + "'");
			};
			settings.savePassword(username, password);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		} catch (ProvisioningException | jakarta.ws.rs.ProcessingException | jakarta.ws.rs.WebApplicationException e) {
			context.err().println("consentry user: " + IdentityErrors.describe(e, settings.admin()));
			return ConsentryCli.CANNOT_RUN;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		context.out().printf("User %s is ready. Password: %s (saved to %s)%n", username, password,
				settings.passwordFile(username));
		context.out().printf("Token: ./consentry token %s%n", username);
		return ConsentryCli.OK;
	}

	private static void expect(boolean condition, String message) {
		if (!condition) {
			throw new UsageException(message);
		}
	}
}
