package org.consentry.audit;

/**
 * The audit store cannot take or return records: its queue is full because the database cannot be
 * written, a flush failed, the log is closed, or a query failed. Callers serving patient data must
 * refuse the request (HTTP 503) rather than serve it unaudited. The message says what to fix and
 * never contains SQL or record contents.
 */
public class AuditUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public AuditUnavailableException(String message) {
    super(message);
  }

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
