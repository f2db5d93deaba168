package dev.ect.cli;

import dev.ect.core.ledger.AuditLedger;
import dev.ect.core.ledger.LedgerEntry;
import dev.ect.core.tlog.CheckpointSigner;
import dev.ect.core.tlog.InclusionProof;
import dev.ect.core.tlog.LedgerTree;
import dev.ect.core.tlog.Merkle;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger evidence of {@code ect serve --ledger-key --origin} (profile L-07, L-08), under
 * {@value #BASE}, in a servlet context of its own (no ECT filter: anyone may fetch them):
 *
 * <ul>
 *   <li>{@code GET /checkpoint}: the signed checkpoint of the ledger as it is now, {@code text/plain}
 *       (a C2SP signed note, as {@code ect ledger checkpoint} prints it);
 *   <li>{@code GET /proof/inclusion?jti=J} or {@code ?seq=N}, optionally {@code &tree_size=S}: the
 *       inclusion proof (JSON of {@code ect ledger prove}) in the tree of S entries, by default the
 *       whole tree, i.e. the size of the checkpoint served now;
 *   <li>{@code GET /proof/consistency?old_size=M}, optionally {@code &tree_size=S}: the consistency
 *       proof from M to S entries.
 * </ul>
 *
 * A query that is not one of these is answered 400 {@code application/problem+json} with
 * {@code ect_error} {@code invalid_proof_request}; an entry that is not in the ledger (or not in the
 * tree asked for) 404 {@code entry_not_found}; a ledger that cannot be read or no longer fits its
 * tree file 503 {@code ledger_unavailable}. Never a 500.
 */
final class EvidenceServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("ect.serve");
    /** The context path of the evidence endpoints. */
    static final String BASE = "/.well-known/ect";
    static final String INVALID = "invalid_proof_request";
    static final String NOT_FOUND = "entry_not_found";
    static final String UNAVAILABLE = "ledger_unavailable";
    /** Longest jti accepted in a query (far above a UUID). */
    static final int MAX_JTI = 256;

    private final transient LedgerTree tree;
    private final transient AuditLedger ledger;
    private final transient CheckpointSigner signer;
    /** The note last signed and its size: the checkpoint is re-signed only when the tree grew. */
    private transient long signedSize = -1;
    private transient String signedNote;

    EvidenceServlet(LedgerTree tree, AuditLedger ledger, CheckpointSigner signer) {
        this.tree = tree;
        this.ledger = ledger;
        this.signer = signer;
    }

    /** A bad query (400) or an entry not found (404). */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refused(int status, String code, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        res.setHeader("Cache-Control", "no-store");
        if (!"GET".equals(req.getMethod()) && !"HEAD".equals(req.getMethod())) {
            res.setHeader("Allow", "GET, HEAD");
            problem(req, res, 405, INVALID, "only GET is served here");
            return;
        }
        try {
            switch (path) {
                case "/checkpoint" -> {
                    params(req, Set.of());
                    String note = checkpoint();
                    res.setContentType("text/plain");
                    res.setCharacterEncoding(StandardCharsets.UTF_8.name());
                    res.getWriter().write(note);
                    log(req, 200, "size=" + note.split("\n", 3)[1]);
                }
                case "/proof/inclusion" -> json(req, res, inclusion(params(req, Set.of("jti", "seq", "tree_size"))));
                case "/proof/consistency" -> json(req, res, consistency(params(req, Set.of("old_size", "tree_size"))));
                default -> throw new Refused(404, INVALID, "no such evidence path; see " + BASE + "/checkpoint, "
                        + BASE + "/proof/inclusion, " + BASE + "/proof/consistency");
            }
        } catch (Refused r) {
            problem(req, res, r.status, r.code, r.getMessage());
        } catch (RuntimeException e) { // LedgerTreeException, UncheckedIOException, EctUnavailableException, ...
            LOG.warn("{} {}{} cannot be answered: {}", req.getMethod(), BASE, path, e.toString());
            problem(req, res, 503, UNAVAILABLE, "the ledger or its tree cannot be read now");
        }
    }

    private synchronized String checkpoint() {
        long n = tree.size();
        if (n != signedSize) {
            signedNote = tree.signedCheckpoint(signer);
            signedSize = Long.parseLong(signedNote.split("\n", 3)[1]); // the size actually signed
        }
        return signedNote;
    }

    private String inclusion(Map<String, String> q) throws Refused {
        String jti = q.get("jti");
        String seqText = q.get("seq");
        if ((jti == null) == (seqText == null)) {
            throw new Refused(400, INVALID, "give exactly one of jti and seq");
        }
        long size = tree.size();
        long n = treeSize(q, size);
        LedgerEntry entry;
        if (jti != null) {
            if (jti.isEmpty() || jti.length() > MAX_JTI) {
                throw new Refused(400, INVALID, "jti must have 1 to " + MAX_JTI + " characters");
            }
            List<LedgerEntry> found = ledger.findEntries(jti);
            if (found.isEmpty()) {
                throw new Refused(404, NOT_FOUND, "no entry with this jti in the ledger");
            }
            if (found.size() > 1) {
                StringBuilder seqs = new StringBuilder();
                found.stream().limit(10).forEach(e -> seqs.append(seqs.length() == 0 ? "" : ", ").append(e.seq()));
                throw new Refused(400, INVALID, "this jti is in entries " + seqs + " (of different workflows); ask by seq");
            }
            entry = found.get(0);
        } else {
            long seq = number(seqText, "seq");
            List<LedgerEntry> page = seq < 1 ? List.of() : ledger.entries(seq, 1);
            if (page.isEmpty()) {
                throw new Refused(404, NOT_FOUND, "the ledger has no entry " + seq);
            }
            entry = page.get(0);
        }
        if (entry.seq() > n) {
            throw new Refused(404, NOT_FOUND, "entry " + entry.seq() + " is not in the tree of " + n + " entries");
        }
        InclusionProof p = tree.inclusionProof(entry.seq() - 1, n);
        if (!p.isFor(Merkle.leafHash(entry))) {
            throw new IllegalStateException("the tree's leaf " + (entry.seq() - 1) + " is not the hash of ledger entry " + entry.seq());
        }
        return p.toJson();
    }

    private String consistency(Map<String, String> q) throws Refused {
        String old = q.get("old_size");
        if (old == null) {
            throw new Refused(400, INVALID, "old_size is required");
        }
        long size = tree.size();
        long n = treeSize(q, size);
        long m = number(old, "old_size");
        if (m > n) {
            throw new Refused(400, INVALID, "old_size " + m + " is larger than the tree size " + n);
        }
        return tree.consistencyProof(m, n).toJson();
    }

    /** {@code tree_size}, by default the whole tree; never larger than it. */
    private static long treeSize(Map<String, String> q, long size) throws Refused {
        String t = q.get("tree_size");
        if (t == null) {
            return size;
        }
        long n = number(t, "tree_size");
        if (n > size) {
            throw new Refused(400, INVALID, "tree_size " + n + " is larger than the ledger's " + size + " entries");
        }
        return n;
    }

    /** A decimal number without sign or leading zeros, at most 18 digits. */
    private static long number(String s, String name) throws Refused {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9') || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new Refused(400, INVALID, name + " must be a decimal number without sign or leading zeros");
        }
        return Long.parseLong(s);
    }

    /** The query parameters: only the allowed names, each at most once. */
    private static Map<String, String> params(HttpServletRequest req, Set<String> allowed) throws Refused {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String[]> all;
        try {
            all = req.getParameterMap();
        } catch (RuntimeException e) { // a malformed query (bad %-escape, bad UTF-8)
            throw new Refused(400, INVALID, "the query cannot be decoded");
        }
        for (Map.Entry<String, String[]> e : all.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new Refused(400, INVALID, "unknown query parameter" + (allowed.isEmpty() ? "" : "; allowed: " + allowed));
            }
            if (e.getValue().length != 1) {
                throw new Refused(400, INVALID, e.getKey() + " is given more than once");
            }
            out.put(e.getKey(), e.getValue()[0]);
        }
        return out;
    }

    private static void json(HttpServletRequest req, HttpServletResponse res, String json) throws IOException {
        res.setContentType("application/json");
        res.setCharacterEncoding(StandardCharsets.UTF_8.name());
        res.getWriter().println(json);
        log(req, 200, "-");
    }

    private static void problem(HttpServletRequest req, HttpServletResponse res, int status, String code, String detail)
            throws IOException {
        res.setStatus(status);
        res.setContentType("application/problem+json");
        res.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "https://ect.dev/problems/" + code);
        m.put("title", switch (code) {
            case NOT_FOUND -> "No such ledger entry";
            case UNAVAILABLE -> "The ledger is unavailable";
            default -> "Not a valid evidence request";
        });
        m.put("status", (long) status);
        m.put("detail", detail);
        m.put("ect_error", code);
        res.getWriter().println(JsonText.compact(m));
        log(req, status, code);
    }

    /** One line per request: method, path, status, reason; the query is not logged (it is caller input). */
    private static void log(HttpServletRequest req, int status, String what) {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.length() && i < 100; i++) {
            char c = path.charAt(i);
            b.append(c < 0x21 || c > 0x7e ? '?' : c);
        }
        LOG.info("{} {}{} evidence status={} {}", req.getMethod(), BASE, b, status, what);
    }
}
