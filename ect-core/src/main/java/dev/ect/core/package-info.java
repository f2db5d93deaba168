/**
 * Execution Context Tokens: the model ({@link dev.ect.core.Ect}, {@link dev.ect.core.SignedEct},
 * {@link dev.ect.core.VerifiedEct}), minting ({@link dev.ect.core.EctSigner}), the verification
 * procedure of the profile's section 4 ({@link dev.ect.core.EctVerifier}), reason codes and errors.
 *
 * <h2>Plug-in points</h2>
 *
 * What a deployment implements or replaces, each an interface; the library's own implementations
 * are named after the dash. Each is handed to a builder ({@code EctVerifier.builder()},
 * {@code EctSigner.builder(..)}, {@code EctClientConfig}) or, for the store URLs, found by
 * {@link java.util.ServiceLoader}. docs/ARCHITECTURE.md ("Plug-in points") has the same list with
 * where to add each.
 *
 * <table>
 *   <caption>Plug-in interfaces</caption>
 *   <tr><th scope="col">interface</th><th scope="col">what it decides</th><th scope="col">implementations</th></tr>
 *   <tr><td>{@link dev.ect.core.keys.KeySource}</td><td>the verification keys of an issuer (V-07, K-02..K-05)</td>
 *       <td>{@code keys.StaticKeySource}, {@code keys.JwksUrlKeySource}</td></tr>
 *   <tr><td>{@link dev.ect.core.replay.ReplayStore}</td><td>atomic check-and-record of ({@code iss}, {@code wid},
 *       {@code jti}) (V-14)</td><td>{@code replay.CaffeineReplayStore}; ect-redis {@code RedisReplayStore}</td></tr>
 *   <tr><td>{@link dev.ect.core.dag.EctStore}</td><td>where the DAG rules look predecessors up, as the stored
 *       {@link dev.ect.core.SignedEct}s (V-13, G-01..G-07)</td><td>every {@code AuditLedger};
 *       {@code client.EctClientConfig.mintedEctStore(..)}</td></tr>
 *   <tr><td>{@link dev.ect.core.ledger.AuditLedger}</td><td>the append-only, hash-chained audit trail
 *       (V-15, L-01..L-11); also an {@code EctStore}</td><td>{@code ledger.InMemoryLedger},
 *       {@code ledger.FileLedger}; ect-jdbc {@code JdbcLedger}</td></tr>
 *   <tr><td>{@link dev.ect.core.dag.DagRule}</td><td>a deployment's policy over resolved predecessors
 *       (G-06)</td><td>{@code DagRule.rejectChildrenOfRejectedPolicyDecisions()}</td></tr>
 *   <tr><td>{@link dev.ect.core.EctValidator}</td><td>checks of your own, after the DAG rules and before the
 *       replay record and the ledger append; sees a {@link dev.ect.core.dag.DagView}</td>
 *       <td>the HTTP clients' response check (F-03, T-08)</td></tr>
 *   <tr><td>{@link dev.ect.core.VerificationListener}</td><td>told of every outcome and security event
 *       (logs, metrics)</td><td>{@code VerificationListener.logging()}; ect-testing {@code RecordingListener}</td></tr>
 *   <tr><td>{@link dev.ect.core.EctVerifier}, {@link dev.ect.core.EctSigner}</td><td>the whole verification or
 *       mint, to decorate</td><td>{@code EctVerifier.builder()}, {@code EctSigner.builder(..)};
 *       ect-opentelemetry {@code EctTracing.traced(..)}</td></tr>
 *   <tr><td>{@link dev.ect.core.client.AudienceResolver}</td><td>the {@code aud} of an outbound call (M-06)</td>
 *       <td>{@code AudienceResolver.fixed(..)}, {@code byHost(..)}; OkHttp's own over {@code HttpUrl}</td></tr>
 *   <tr><td>{@link dev.ect.core.config.EctConfigSource}</td><td>where configuration values come from</td>
 *       <td>environment, init-params / properties, command-line options, layered</td></tr>
 *   <tr><td>{@link dev.ect.core.spi.ReplayStoreProvider}, {@link dev.ect.core.spi.LedgerProvider}</td>
 *       <td>a store for a URL scheme ({@code ECT_REDIS_URL}, {@code ECT_JDBC_URL}), by {@code ServiceLoader}</td>
 *       <td>ect-redis, ect-jdbc</td></tr>
 * </table>
 *
 * <p>Integrations add their own: the servlet filter's {@code dev.ect.servlet.EctFilterListener}
 * (filter events; the Spring starter's Micrometer metrics are one), the HTTP clients' {@code ExecActResolver}s, and, for a new HTTP client,
 * {@code dev.ect.core.client.internal.OutboundRequest} (not a stable API).
 */
package dev.ect.core;
