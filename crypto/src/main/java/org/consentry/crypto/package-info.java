/**
 * Field-level encryption for stored health data (AES-256-GCM under per-patient data keys wrapped by
 * a versioned master key in a BCFKS keystore) and blind indexes for searching encrypted values;
 * start at {@link org.consentry.crypto.KeyRing} and {@link org.consentry.crypto.FieldCipher}.
 */
package org.consentry.crypto;
