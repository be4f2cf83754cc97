package dev.ferry.security.authz;

/**
 * Untrusted text echoed in an error or written to the audit trail: longer than any valid name,
 * it is cut, so a 10 MB "node name" does not become a 10 MB status (past HTTP/2's header limit,
 * the caller would see INTERNAL instead of the refusal) or a 10 MB audit record.
 */
public final class Untrusted {
  private static final int KEEP = 64;

  private Untrusted() {}

  public static String bounded(String s) {
    if (s == null || s.length() <= RequestLimits.MAX_NAME) {
      return s;
    }
    return s.substring(0, KEEP) + "…(" + s.length() + " characters)";
  }
}
