package org.consentry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.consentry.cli.imports.HttpFhirSender;
import org.consentry.cli.imports.ImportException;
import org.consentry.cli.imports.OperationParameters;
import org.consentry.cli.imports.ServerUnavailableException;
import org.consentry.crypto.KeystoreAccess;
import org.consentry.crypto.MasterKeystore;
import org.consentry.crypto.MasterKeystoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consentry keys init | rotate | rotate-data-keys}. {@code init} works offline and never
 * overwrites; the rotations run inside the server ({@code $rotate-keys}, {@code
 * $rotate-data-keys}), which holds the keystore and the database, so they need no downtime and the
 * server sees the new master key at once.
 */
@Command(
    name = "keys",
    subcommands = {
      KeysCommand.Init.class,
      KeysCommand.Rotate.class,
      KeysCommand.RotateDataKeys.class
    })
final class KeysCommand implements CliCommand {

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public String summary() {
    return "create the master keystore (init), rotate the master key (rotate) or the data keys (rotate-data-keys)";
  }

  @Override
  public String usage() {
    return """
				usage: consentry keys init | rotate | rotate-data-keys [--patient ID]...
				  init              create $CONSENTRY_HOME/keys/master.bcfks and, unless CONSENTRY_KEYSTORE_PASSPHRASE
				                    is set, a random passphrase in $CONSENTRY_HOME/keys/passphrase (both mode 0600);
				                    does nothing if the keystore exists
				  rotate            new master-key version; the running server re-wraps every data key under it
				  rotate-data-keys  new data-key versions and re-encryption in the background (all patients, or --patient)
				Rotations talk to the running server (CONSENTRY_FHIR_URL) as the EHR system client, or with CONSENTRY_TOKEN.
				Exit code: 0 done, 1 failed, 2 could not run.""";
  }

  @Override
  public int call(Context context) {
    throw new UsageException("expected init, rotate or rotate-data-keys");
  }

  @Override
  public String unexpected(String argument) {
    return "unknown keys command " + argument;
  }

  @Command(name = "init")
  static final class Init implements CliPart {
    @Override
    public int call(Context context) {
      return init(context);
    }
  }

  @Command(name = "rotate")
  static final class Rotate implements CliPart {
    @Override
    public int call(Context context) {
      return onServer(context, "$rotate-keys", "{\"resourceType\":\"Parameters\"}");
    }
  }

  @Command(name = "rotate-data-keys")
  static final class RotateDataKeys implements CliPart {
    @Option(names = "--patient")
    List<String> patients = new ArrayList<>();

    @Override
    public String unknownOption(String option) {
      return "expected --patient ID, got " + option;
    }

    @Override
    public String unexpected(String argument) {
      return "expected --patient ID, got " + argument;
    }

    @Override
    public int call(Context context) {
      return onServer(context, "$rotate-data-keys", patients(patients));
    }
  }

  private static int init(Context context) {
    Path home =
        Path.of(
            context
                .env()
                .getOrDefault("CONSENTRY_HOME", System.getProperty("user.home") + "/.consentry"));
    Path keystore = KeystoreAccess.defaultKeystore(home);
    Path passphraseFile = KeystoreAccess.defaultPassphraseFile(home);
    if (Files.exists(keystore)) {
      context.out().println("The master keystore exists already: " + keystore);
      return ConsentryCli.OK;
    }
    try {
      Files.createDirectories(
          keystore.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      boolean fromEnv =
          context.env().getOrDefault(KeystoreAccess.PASSPHRASE_VARIABLE, "").length() > 0;
      if (!fromEnv && !Files.exists(passphraseFile)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.createFile(
            passphraseFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
            passphraseFile,
            Base64.getUrlEncoder().withoutPadding().encodeToString(random),
            StandardCharsets.UTF_8);
      }
      MasterKeystore.create(
          keystore, new KeystoreAccess(keystore, passphraseFile, context.env()).passphrase());
      context
          .out()
          .println(
              "Created the master keystore "
                  + keystore
                  + " (passphrase from "
                  + new KeystoreAccess(keystore, passphraseFile, context.env()).passphraseSource()
                  + "). Back both up, apart from each other: without them encrypted data is lost.");
      return ConsentryCli.OK;
    } catch (IOException
        | MasterKeystoreException
        | KeystoreAccess.KeystoreUnavailableException e) {
      context.err().println("consentry keys init: " + e.getMessage());
      return ConsentryCli.CANNOT_RUN;
    }
  }

  private static String patients(List<String> ids) {
    List<String> parameters = new ArrayList<>();
    for (String id : ids) {
      parameters.add(
          "{\"name\":\"patient\",\"valueString\":" + new ObjectMapper().valueToTree(id) + "}");
    }
    return "{\"resourceType\":\"Parameters\",\"parameter\":[" + String.join(",", parameters) + "]}";
  }

  private static int onServer(Context context, String operation, String body) {
    URI base = FhirServer.url(null, context.env());
    try {
      HttpFhirSender sender =
          new HttpFhirSender(
              base, IdentitySettings.ehrTokenOrEnv(context.env()), Duration.ofMinutes(5));
      JsonNode result = OperationParameters.read(sender.post(operation, body), operation);
      if (operation.equals("$rotate-keys")) {
        context
            .out()
            .printf(
                "Master key is now version %s; %s data keys re-wrapped.%n",
                OperationParameters.value(result, "kekVersion"),
                OperationParameters.value(result, "rewrapped"));
        return ConsentryCli.OK;
      }
      while (true) {
        String status = OperationParameters.value(result, "status");
        context
            .err()
            .printf(
                "rotate-data-keys: %s, %s keys rotated, %s of %s resources scanned, %s"
                    + " re-encrypted%n",
                status,
                OperationParameters.value(result, "keys"),
                OperationParameters.value(result, "scanned"),
                OperationParameters.value(result, "total"),
                OperationParameters.value(result, "reencrypted"));
        if (status.equals("completed") || status.equals("failed")) {
          return status.equals("completed") ? ConsentryCli.OK : ConsentryCli.FAILURES;
        }
        Thread.sleep(1000);
        result =
            OperationParameters.read(
                sender.get(
                    "$rotate-data-keys-status?job=" + OperationParameters.value(result, "job")),
                operation);
      }
    } catch (ServerUnavailableException | ImportException e) {
      context
          .err()
          .println(
              "consentry keys: "
                  + e.getMessage()
                  + " (rotation runs in the server: ./consentry up)");
      return ConsentryCli.CANNOT_RUN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ConsentryCli.CANNOT_RUN;
    }
  }
}
