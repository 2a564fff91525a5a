package org.consentry.server.crypto;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.consentry.server.fhir.ServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.core.annotation.Order;

/**
 * Decrypts on the way out, and only what will be shown.
 *
 * <ul>
 *   <li>{@code STORAGE_PRESHOW_RESOURCES}: HAPI fires it for read, vread, search pages (with
 *       {@code _include}/{@code _revinclude}), history and {@code $everything}, after the
 *       consent service's {@code canSeeResource} ran at {@code STORAGE_PREACCESS_RESOURCES}, so
 *       a resource consent hides is never decrypted. Its order (1000) puts it after consent's
 *       own masking at the same pointcut.
 *   <li>{@code SERVER_OUTGOING_RESPONSE} for writes (create, update, patch, transaction, batch)
 *       that return a representation: the stored object was encrypted in place, and the writer
 *       sent that plaintext itself.
 * </ul>
 * Bulk Data export files ({@code Binary} of type {@code application/fhir+ndjson}) are decrypted
 * line by line when their requester downloads them.
 * Blind-index entries are removed from every Patient shown. A field whose key was erased stays
 * masked (see {@link FieldEncryptor#decrypt}).
 */
@Interceptor
@Order(1000)
final class DecryptionInterceptor implements ServerInterceptor {

	private static final String NDJSON = "application/fhir+ndjson";
	private static final Set<RestOperationTypeEnum> WRITES = Set.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.TRANSACTION,
			RestOperationTypeEnum.BATCH);

	private final FieldEncryptor fields;
	private final FhirContext fhir;

	DecryptionInterceptor(FieldEncryptor fields, FhirContext fhir) {
		this.fields = fields;
		this.fhir = fhir;
	}

	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = 1000)
	public void show(IPreResourceShowDetails details) {
		for (int i = 0; i < details.size(); i++) {
			show(details.getResource(i));
		}
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean written(RequestDetails request, ResponseDetails response) {
		if (WRITES.contains(request.getRestOperationType())) {
			show(response.getResponseResource());
		}
		return true;
	}

	/**
	 * A Bulk Data export file: its resources were filtered by consent for the requester who asked
	 * for it (and only that requester may read the file), so it is decrypted line by line as it is
	 * downloaded; the stored file keeps the ciphertext.
	 */
	private void showExportFile(Binary binary) {
		IParser parser = fhir.newJsonParser().setPrettyPrint(false);
		StringBuilder out = new StringBuilder();
		for (String line : new String(binary.getData(), StandardCharsets.UTF_8).split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			IBaseResource parsed = parser.parseResource(line);
			show(parsed);
			out.append(parser.encodeResourceToString(parsed)).append('\n');
		}
		binary.setData(out.toString().getBytes(StandardCharsets.UTF_8));
	}

	private void show(IBaseResource resource) {
		if (resource instanceof Bundle bundle) {
			bundle.getEntry().forEach(entry -> show(entry.getResource()));
			return;
		}
		if (resource instanceof Binary binary && NDJSON.equals(binary.getContentType()) && binary.hasData()) {
			showExportFile(binary);
			return;
		}
		if (resource instanceof Resource r) {
			fields.decrypt(r);
			if (r instanceof Patient patient) {
				BlindIndexTokens.strip(patient);
			}
		}
	}
}
