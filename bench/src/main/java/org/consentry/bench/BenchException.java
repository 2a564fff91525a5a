package org.consentry.bench;

/** A benchmark could not produce figures; the message says why in one line. */
class BenchException extends RuntimeException {

  BenchException(String message) {
    super(message);
  }
}
