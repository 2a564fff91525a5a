package org.consentry.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole server on a random port, storing in the test run's
 * PostgreSQL through {@code consentry.db.url} (the production path). Every subclass shares one
 * Spring context, so keep per-class configuration out of here; tests create their own data and
 * must not assume an empty database.
 */
@SpringBootTest(
		classes = ConsentryApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// application.yaml sets INFO for the running server; tests print warnings only
		properties = {"logging.level.root=WARN", "logging.level.ca.uhn.fhir=WARN", "logging.level.org.consentry=WARN"})
public abstract class ServerIT {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();
	protected static final HttpClient HTTP = HttpClient.newHttpClient();

	@LocalServerPort
	protected int port;

	@DynamicPropertySource
	static void storage(DynamicPropertyRegistry registry) throws IOException {
		Path home = Files.createTempDirectory("consentry-it");
		registry.add("consentry.home", home::toString);
		registry.add("consentry.db.url", TestDatabase::jdbcUrl);
		registry.add("consentry.db.username", () -> "postgres");
		registry.add("consentry.db.password", () -> "");
	}

	protected String base() {
		return "http://127.0.0.1:" + port + "/fhir";
	}

	protected IGenericClient client() {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
		return FHIR.newRestfulGenericClient(base());
	}

	/** Sends a raw request to a path under the FHIR base (or an absolute URL) and returns the response. */
	protected HttpResponse<String> send(String method, String path, String contentType, String body) {
		String url = path.startsWith("http") ? path : base() + path;
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
				.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
				.header("Accept", "application/fhir+json");
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		try {
			return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	protected HttpResponse<String> get(String path) {
		return send("GET", path, null, null);
	}

	protected HttpResponse<String> postJson(String path, String body) {
		return send("POST", path, "application/fhir+json", body);
	}
}
