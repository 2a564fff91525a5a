package org.consentry.server.cli;

import java.util.List;
import org.consentry.server.identity.ProvisioningException;
import org.consentry.server.identity.RealmProvisioner;
import org.consentry.server.identity.TokenClient;
import org.consentry.server.identity.UserDirectory;

/** {@code consentry keycloak provision}: applies the realm definition to Keycloak (idempotent). */
final class KeycloakCommand implements CliCommand {

	@Override
	public String name() {
		return "keycloak";
	}

	@Override
	public String summary() {
		return "provision | ehr-organization Organization/ID: set up the consentry realm";
	}

	@Override
	public String usage() {
		return """
				usage: consentry keycloak provision
				       consentry keycloak ehr-organization Organization/ID
				  provision: applies fhir-server/src/main/resources/keycloak/consentry-realm.json to Keycloak; safe to re-run.
				  ehr-organization: the organization the ehr-system client acts for (its tokens' organization claim,
				                    which patients' Consents can name as actor).
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
		if (!provision && !organization) {
			throw new UsageException("expected 'provision' or 'ehr-organization Organization/ID'");
		}
		IdentitySettings settings = IdentitySettings.from(context.env());
		if (organization) {
			try {
				new UserDirectory(settings.admin()).setClientOrganization(TokenClient.EHR_CLIENT, args.get(1));
				context.out().printf("The %s client now acts for %s.%n", TokenClient.EHR_CLIENT, args.get(1));
				return ConsentryCli.OK;
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			} catch (ProvisioningException | jakarta.ws.rs.ProcessingException | jakarta.ws.rs.WebApplicationException e) {
				context.err().println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
				return ConsentryCli.CANNOT_RUN;
			}
		}
		try {
			List<String> changes = new RealmProvisioner(settings.admin(), line -> context.err().println("  " + line)).provision();
			context.out().printf("Realm %s at %s is provisioned (%d changes).%n",
					settings.admin().realm(), settings.admin().baseUrl(), changes.size());
			return ConsentryCli.OK;
		} catch (ProvisioningException | jakarta.ws.rs.ProcessingException | jakarta.ws.rs.WebApplicationException e) {
			context.err().println("consentry keycloak: " + IdentityErrors.describe(e, settings.admin()));
			return ConsentryCli.CANNOT_RUN;
		}
	}
}
