package org.consentry.server.fhir;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.dao.index.SearchParamWithInlineReferencesExtractor;
import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import ca.uhn.fhir.jpa.searchparam.extractor.ResourceIndexedSearchParams;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's index extraction, done once for each resource a transaction Bundle creates instead of
 * twice.
 *
 * <p>HAPI stores a transaction's entries in two passes: the first writes each resource with its
 * placeholder references ({@code urn:uuid:...}) and without indexing it ({@code performIndexing}
 * false), the second puts the real ids in and indexes every written resource. For a resource it
 * creates, HAPI 8.8 still extracts all its search indexes in the first pass, and uses them only to
 * set the resource's "has indexes of this kind" flags, which the second pass sets again when the
 * resource changed (its references were replaced). That first extraction was a tenth of the samples
 * of a profiled Synthea import (6% of the server's CPU, measured old against new). It is skipped
 * here, and the second pass sets the flags from the indexes it stores, whether or not the resource
 * changed, so that they are always those of the stored indexes (a later update reads the existing
 * indexes by those flags).
 *
 * <p>Nothing else reads the first pass's indexes: they are never written (the conditional-match
 * check and full-text indexing skip a write without indexing; full text is off here), and only the
 * transaction processor writes without indexing. A write that indexes is extracted as before.
 *
 * <p>The first pass of a new resource also leaves its text to the second ({@link FirstPassText}):
 * HAPI calls this extractor just before it encodes the resource, in both passes.
 */
final class IndexOncePerWrite extends SearchParamWithInlineReferencesExtractor {

  private final FirstPassText firstPassText;

  IndexOncePerWrite(FirstPassText firstPassText) {
    this.firstPassText = firstPassText;
  }

  @Override
  public void populateFromResource(
      RequestPartitionId partition,
      ResourceIndexedSearchParams params,
      TransactionDetails transaction,
      ResourceTable entity,
      IBaseResource resource,
      ResourceIndexedSearchParams existing,
      RequestDetails request,
      boolean performIndexing) {
    if (!performIndexing) {
      // the transaction's second pass extracts and stores this resource's indexes, and its text
      if (entity.getId().getId() == null) {
        firstPassText.defer(resource, transaction);
      }
      return;
    }
    firstPassText.restore(resource, transaction);
    super.populateFromResource(
        partition, params, transaction, entity, resource, existing, request, performIndexing);
    params.populateResourceTableSearchParamsPresentFlags(entity);
  }
}
