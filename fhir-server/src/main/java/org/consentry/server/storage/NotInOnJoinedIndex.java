package org.consentry.server.storage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Moves the {@code NOT IN} exclusions of HAPI's search SQL from the resource table to the index
 * table the query is driven by, so that an excluding search costs what its matches cost, not what
 * the whole database holds.
 *
 * <p>A search with more than one parameter is rooted by HAPI at {@code HFJ_RESOURCE}, and every
 * {@code :not} parameter (the consent view's exclusions are such parameters) becomes {@code
 * (root.RES_ID) NOT IN (SELECT ...)}. PostgreSQL applies such a filter where the column lives, to a
 * scan of the resource table, which it then joins to the matching index rows: {@code
 * Observation?code=X&_summary=count} for a practitioner read every resource of every type (52,000
 * on a test database, for 1,700 matches). In the rewritten query the filter is on the index rows,
 * and the resource table is only probed for them.
 *
 * <p>The two are the same query: the first join after the root is an inner join on {@code
 * root.RES_ID = joined.column}, so every row the query sees has both columns equal and non-null,
 * and a condition on one is the condition on the other. Only conditions of the outer query are
 * moved (a subquery has aliases of its own), and only when the query has the exact shape below;
 * anything else (another root or join, a partitioned join, a quoted literal) passes unchanged, as
 * it would without this class.
 */
public final class NotInOnJoinedIndex implements StatementInspector {

  /**
   * {@code SELECT <columns> FROM HFJ_RESOURCE t1 INNER JOIN HFJ_SPIDX_TOKEN t0 ON (t1.RES_ID =
   * t0.RES_ID) ...}; a link table joins on its source column.
   */
  private static final Pattern HEAD =
      Pattern.compile(
          "SELECT (?:COUNT\\(DISTINCT t\\d+\\.RES_ID\\)|[\\w., ]+?) FROM HFJ_RESOURCE (t\\d+)"
              + " INNER JOIN (HFJ_[A-Z_]+) (t\\d+) ON \\(\\1\\.RES_ID = \\3\\.(RES_ID|SRC_RESOURCE_ID)\\) ");

  private static final String SUBQUERY = "(SELECT ";

  private final AtomicLong rewritten = new AtomicLong();

  @Override
  public String inspect(String sql) {
    String result = rewrite(sql);
    if (result != sql) {
      rewritten.incrementAndGet();
    }
    return result;
  }

  /** How many statements this inspector has rewritten since it was made. */
  public long rewritten() {
    return rewritten.get();
  }

  /**
   * The statement with the outer query's {@code (root.RES_ID) NOT IN (SELECT ...)} conditions on
   * the first joined table's column, or the same string when it has nothing to move.
   */
  static String rewrite(String sql) {
    if (sql == null || !sql.contains(" NOT IN " + SUBQUERY) || sql.indexOf('\'') >= 0) {
      return sql;
    }
    Matcher head = HEAD.matcher(sql);
    if (!head.lookingAt()) {
      return sql;
    }
    String excluded = "(" + head.group(1) + ".RES_ID) NOT IN " + SUBQUERY;
    String moved = "(" + head.group(3) + "." + head.group(4) + ") NOT IN ";
    StringBuilder out = new StringBuilder(sql.length()).append(sql, 0, head.end());
    Deque<Integer> subqueries = new ArrayDeque<>(); // the depth at which each subquery opened
    int depth = 0;
    boolean changed = false;
    int i = head.end();
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '(' && subqueries.isEmpty() && sql.startsWith(excluded, i)) {
        out.append(moved);
        changed = true;
        i += excluded.length() - SUBQUERY.length(); // the subquery itself is read below
        continue;
      }
      if (c == '(') {
        depth++;
        if (sql.startsWith(SUBQUERY, i)) {
          subqueries.push(depth);
        }
      } else if (c == ')') {
        if (!subqueries.isEmpty() && subqueries.peek() == depth) {
          subqueries.pop();
        }
        depth--;
      }
      out.append(c);
      i++;
    }
    return changed && depth == 0 ? out.toString() : sql;
  }
}
