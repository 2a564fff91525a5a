package org.consentry.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.consentry.cli.identity.ProvisioningException;
import org.consentry.cli.identity.TokenClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code consentry token USERNAME|ehr [--scope "..."]}: prints a fresh access token, for curl. */
@Command(name = "token")
final class TokenCommand implements CliCommand {

  @Override
  public String name() {
    return "token";
  }

  @Override
  public String summary() {
    return "print a fresh access token for a user, or for the EHR system client ('ehr')";
  }

  @Override
  public String usage() {
    return """
				usage: consentry token USERNAME|ehr [--scope "SCOPES"]
				  USERNAME  a user added with ./consentry user add-...; its saved password is used
				            (or CONSENTRY_PASSWORD); default scopes: patient/*.read or user/*.read
				  ehr       the ehr-system client (client credentials); default scope system/*.*
				  --scope   extra scopes, e.g. "patient/*.cruds" or "patient/Observation.rs"
				Example: curl -H "Authorization: Bearer $(./consentry token alice)" http://127.0.0.1:8080/fhir/Observation
				Exit code: 0 done, 2 could not run.""";
  }

  @Parameters List<String> names = new ArrayList<>();

  @Option(names = "--scope")
  String scope;

  @Override
  public String unknownOption(String option) {
    return "expected USERNAME|ehr [--scope \"SCOPES\"]";
  }

  @Override
  public int call(Context context) {
    if (names.isEmpty()) {
      throw new UsageException("expected USERNAME or ehr");
    }
    if (names.size() != 1) {
      throw new UsageException("expected USERNAME|ehr [--scope \"SCOPES\"]");
    }
    IdentitySettings settings = IdentitySettings.from(context.env());
    try {
      String token =
          names.get(0).equals("ehr")
              ? settings.ehrToken(scope)
              : userToken(settings, context.env(), names.get(0), scope);
      context.out().println(token);
      return ConsentryCli.OK;
    } catch (ProvisioningException
        | jakarta.ws.rs.ProcessingException
        | jakarta.ws.rs.WebApplicationException e) {
      context.err().println("consentry token: " + IdentityErrors.describe(e, settings.admin()));
      return ConsentryCli.CANNOT_RUN;
    }
  }

  /**
   * A fresh token of a user through the password grant: {@code CONSENTRY_PASSWORD} if set, else the
   * password saved when the user was added; {@code scope} may be null for the default scopes.
   */
  static String userToken(
      IdentitySettings settings, Map<String, String> env, String username, String scope) {
    String password = env.get("CONSENTRY_PASSWORD");
    return new TokenClient(settings.admin().issuer())
        .password(username, password != null ? password : settings.savedPassword(username), scope);
  }
}
