/**
 * Field-level encryption in the server: encrypt on every write, blind-index search, decrypt after
 * consent, erase and rotate keys.
 */
package org.consentry.server.crypto;
