package dev.ect.jdbc;

/**
 * The result of {@link JdbcLedger#verifyChain()} (profile L-04).
 *
 * @param valid true when every entry links to the one before and hashes to its stored hash
 * @param entries the entries that were checked and found good
 * @param headHash the hash of the last good entry ({@code GENESIS_HASH} when none)
 * @param brokenSeq the {@code seq} of the first entry that does not fit, or -1
 * @param problem what is wrong with it, or null
 */
public record ChainCheck(boolean valid, long entries, String headHash, long brokenSeq, String problem) {
    static ChainCheck valid(long entries, String headHash) { return new ChainCheck(true, entries, headHash, -1, null); }

    static ChainCheck broken(long goodEntries, long seq, String problem) {
        return new ChainCheck(false, goodEntries, null, seq, problem);
    }
}
