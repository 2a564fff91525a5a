package org.consentry.server.audit;

import static org.consentry.server.audit.AuditFixtures.BASE;
import static org.consentry.server.audit.AuditFixtures.FHIR;
import static org.consentry.server.audit.AuditFixtures.INDEX;
import static org.consentry.server.audit.AuditFixtures.ISSUER;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.consentry.audit.AuditLog;
import org.consentry.audit.AuditRecord;
import org.consentry.server.fhir.PatientCompartment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The audit step as the server wires it ({@link AuditCapture}, writing to an {@link AuditTrail}),
 * over an {@link AuditLog} that only keeps what is appended. The real store needs PostgreSQL;
 * {@code AuditLog} is final, so Mockito's inline mock maker stands in for it, its {@code append}
 * recorded (the only method the trail calls), nothing else changed.
 */
final class RecordingTrail {

  final AuditLog log = mock(AuditLog.class);
  final List<AuditRecord> records = new CopyOnWriteArrayList<>();
  final AuditTrail trail;
  final AuditCapture capture;
  private final InterceptorService hooks = new InterceptorService();

  RecordingTrail() {
    this(true);
  }

  RecordingTrail(boolean enabled) {
    doAnswer(
            invocation -> {
              records.add(invocation.getArgument(0));
              return null;
            })
        .when(log)
        .append(any());
    trail =
        new AuditTrail(
            log, FHIR, new AuditEvents(BASE, ISSUER), new QueryProtection(INDEX), enabled);
    capture = new AuditCapture(trail, new PatientCompartment(FHIR));
    hooks.registerInterceptor(capture);
  }

  /** One request served: its resources shown (the storage hook of reads and searches), ended. */
  void serve(ServletRequestDetails request, IBaseResource... shown) {
    try {
      if (shown.length > 0) {
        IPreResourceShowDetails details = new SimplePreResourceShowDetails(List.of(shown));
        hooks.callHooks(
            Pointcut.STORAGE_PRESHOW_RESOURCES,
            new HookParams()
                .add(IPreResourceShowDetails.class, details)
                .add(RequestDetails.class, request)
                .add(ServletRequestDetails.class, request));
      }
    } finally {
      capture.end(request);
    }
  }

  /** One writing request served: the storage hook called, ended. */
  void write(ServletRequestDetails request, java.util.function.Consumer<AuditCapture> storage) {
    try {
      storage.accept(capture);
    } finally {
      capture.end(request);
    }
  }

  /** The kinds of the records, in the order appended. */
  List<String> kinds() {
    return records.stream().map(AuditRecord::kind).toList();
  }

  /** The record's AuditEvent as stored. */
  static AuditEvent event(AuditRecord record) {
    return AuditRecords.toEvent(FHIR, record.withSeq(1));
  }
}
