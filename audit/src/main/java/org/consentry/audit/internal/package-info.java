/**
 * Mechanisms behind the public types of {@code org.consentry.audit}: not an API, may change without
 * notice, and public only because Java has no friend packages.
 */
package org.consentry.audit.internal;
