package org.consentry.server.cli;

import java.util.List;
import org.consentry.server.identity.ProvisioningException;
import org.consentry.server.identity.RealmProvisioner;

/** {@code consentry keycloak provision}: applies the realm definition to Keycloak (idempotent). */
final class KeycloakCommand implements CliCommand {

	@Override
	public String name() {
		return "keycloak";
	}

	@Override
	public String summary() {
		return "provision: create or update the consentry realm (clients, scopes, roles, mappers)";
	}

	@Override
	public String usage() {
		return """
				usage: consentry keycloak provision
				  Applies fhir-server/src/main/resources/keycloak/consentry-realm.json to Keycloak; safe to re-run.
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
		if (args.size() != 1 || !args.get(0).equals("provision")) {
			throw new UsageException("expected 'provision'");
		}
		IdentitySettings settings = IdentitySettings.from(context.env());
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
