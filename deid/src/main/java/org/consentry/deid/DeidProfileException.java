package org.consentry.deid;

/**
 * A profile that cannot be used: malformed JSON, an unsupported path or method, an unknown element,
 * a bad parameter. The message names the rule's path, the method or the parameter.
 */
public class DeidProfileException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public DeidProfileException(String message) {
    super(message);
  }

  public DeidProfileException(String message, Throwable cause) {
    super(message, cause);
  }
}
