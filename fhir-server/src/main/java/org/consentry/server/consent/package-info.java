/**
 * Enforcement of patients' consent (and of token scopes) on every path that returns patient data.
 */
package org.consentry.server.consent;
