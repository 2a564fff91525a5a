/** The terminology service and automatic sensitivity labelling of every write. */
package org.consentry.server.terminology;
