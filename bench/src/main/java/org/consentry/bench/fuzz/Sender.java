package org.consentry.bench.fuzz;

/**
 * Sends one request as a bearer of {@code token} (null: no Authorization header) and never throws.
 */
interface Sender {
  Response send(FuzzRequest request, String token);
}
