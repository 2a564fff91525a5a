package org.consentry.server.storage;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.consentry.server.security.ReadAccess;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Removes a Bulk Data export file for good once it is deleted. HAPI deletes the files of an export
 * when they expire (or when its job is deleted), and a delete keeps every earlier version: the
 * file's content, de-identified research data or a requester's plaintext export, would stay in the
 * database for ever, and the binary storage table would grow by the size of every export.
 *
 * <p>So when an export file is deleted, it is expunged once the deletion has committed: all its
 * versions, and its content in the binary storage table (HAPI's expunge hook of {@link
 * BinaryContentStore}). An export file is a Binary that carries the export job's id in its meta
 * (HAPI writes it) and a requester as its security context, which only the server sets; no other
 * Binary is touched. The expunge runs on a thread of its own, after the commit, so it neither joins
 * nor slows the deleting transaction; one that fails is logged and leaves the file deleted.
 *
 * <p>Files deleted before a server expunged them (by an earlier version, or while a node was down
 * between the commit and the expunge) are found once the server is ready: each deleted Binary whose
 * last version before the deletion was an export file is expunged then.
 */
@Interceptor
public final class ExportFileExpunger {

  private static final Logger LOG = LoggerFactory.getLogger(ExportFileExpunger.class);

  private static final String DELETED_BINARIES =
      "SELECT fhir_id, res_ver FROM hfj_resource"
          + " WHERE res_type = 'Binary' AND res_deleted_at IS NOT NULL";

  private final DaoRegistry daos;
  private final DataSource dataSource;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "consentry-export-file-expunge");
            thread.setDaemon(true);
            return thread;
          });

  public ExportFileExpunger(DaoRegistry daos, DataSource dataSource) {
    this.daos = daos;
    this.dataSource = dataSource;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (resource instanceof Binary binary && isExportFile(binary)) {
      IIdType id = binary.getIdElement().toUnqualifiedVersionless();
      AfterCommit.run(() -> worker.execute(() -> expunge(id)));
    }
  }

  static boolean isExportFile(Binary binary) {
    Identifier context = binary.getSecurityContext().getIdentifier();
    return binary.getMeta().hasExtension(JpaConstants.BULK_META_EXTENSION_JOB_ID)
        && ReadAccess.REQUESTER_SYSTEM.equals(context.getSystem());
  }

  private void expunge(IIdType id) {
    try {
      daos.getResourceDao("Binary")
          .forceExpungeInExistingTransaction(
              id,
              new ExpungeOptions().setExpungeDeletedResources(true).setExpungeOldVersions(true),
              new SystemRequestDetails());
    } catch (ResourceNotFoundException e) {
      // expunged already (by another node, or by an earlier delete of the same file)
    } catch (RuntimeException e) {
      LOG.warn("Export file {} was deleted but could not be expunged: {}", id, e.toString());
    }
  }

  /**
   * Once the server is ready: the export files deleted earlier and not expunged, in the background.
   */
  @EventListener(ApplicationReadyEvent.class)
  public void expungeEarlierDeletions() {
    worker.execute(this::sweep);
  }

  private void sweep() {
    List<IdType> before = new ArrayList<>();
    try (Connection db = dataSource.getConnection();
        PreparedStatement query = db.prepareStatement(DELETED_BINARIES);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        long deletion = rows.getLong(2);
        if (deletion > 1) {
          before.add(new IdType("Binary", rows.getString(1), String.valueOf(deletion - 1)));
        }
      }
    } catch (SQLException e) {
      LOG.warn("Deleted export files could not be listed, none expunged now: {}", e.toString());
      return;
    }
    int expunged = 0;
    for (IdType version : before) {
      IBaseResource previous;
      try {
        previous = daos.getResourceDao("Binary").read(version, new SystemRequestDetails());
      } catch (RuntimeException e) {
        continue; // expunged meanwhile, or not readable: left as it is
      }
      if (previous instanceof Binary binary && isExportFile(binary)) {
        expunge(version.toVersionless());
        expunged++;
      }
    }
    if (expunged > 0) {
      LOG.info("Expunged {} export files deleted earlier", expunged);
    }
  }

  /** Waits a little for expunges under way; called when the server stops. */
  public void stop() {
    worker.shutdown();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
