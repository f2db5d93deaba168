package dev.ect.okhttp;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.core.SignedEct;
import dev.ect.core.VerifiedEct;
import dev.ect.core.dag.EctStore;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.keys.KeySource;
import dev.ect.core.keys.StaticKeySource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** Three agents with their own keys and SPIFFE-style ids, on one fixed clock. */
final class Agents {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    static final String C = "spiffe://example.com/agent/c";

    static final EctKeyPair KEY_A = EctKeys.generate("a-1");
    static final EctKeyPair KEY_B = EctKeys.generate("b-1");
    static final EctKeyPair KEY_C = EctKeys.generate("c-1");
    static final KeySource KEYS = StaticKeySource.builder().key(A, KEY_A).key(B, KEY_B).key(C, KEY_C).build();

    static final EctSigner SIGNER_A = EctSigner.builder(KEY_A).clock(CLOCK).build();
    static final EctSigner SIGNER_B = EctSigner.builder(KEY_B).clock(CLOCK).build();

    private Agents() {}

    /** A verifier for {@code id} on the fixed clock, resolving predecessors in {@code store}. */
    static EctVerifier verifier(String id, EctStore store) {
        return EctVerifier.builder().verifierId(id).keySource(KEYS).clock(CLOCK).ectStore(store)
                .settings(EctSettings.builder().allowUnresolvedPredecessors(true).build()).build();
    }

    /** Decodes and checks a token addressed to {@code aud} (pure checks only; predecessors may be unknown). */
    static Ect decode(String token, String aud) {
        return verifier(aud, EctStore.empty()).check(token).ect();
    }

    /**
     * A MockWebServer dispatcher behaving like agent B: it verifies the inbound ECT with a strict
     * verifier (ECT store empty, unresolved predecessors allowed), records it, and answers 200,
     * with a response ECT (T-08) when {@code respond} gives one for the inbound ECT.
     */
    static final class PeerB extends Dispatcher {
        final List<VerifiedEct> received = new CopyOnWriteArrayList<>();
        final List<SignedEct> answered = new CopyOnWriteArrayList<>();
        final Map<String, String> rawHeaders = new ConcurrentHashMap<>();
        private final EctVerifier inbound = verifier(B, EctStore.empty());
        private final Function<Ect, MockResponse> respond;

        PeerB(Function<Ect, MockResponse> respond) { this.respond = respond; }

        /** Answers each ECT with a response ECT whose pred is the inbound task (F-04). */
        static PeerB answering() {
            return new PeerB(null);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String token = request.getHeaders().get(EctOkHttp.HEADER);
            if (token == null) {
                return new MockResponse.Builder().code(200).body("no ect").build();
            }
            VerifiedEct v = inbound.verify(token);
            received.add(v);
            if (respond != null) {
                return respond.apply(v.ect());
            }
            SignedEct answer = SIGNER_B.mint(responseFor(v.ect()).build());
            answered.add(answer);
            return new MockResponse.Builder().code(200).addHeader(EctOkHttp.HEADER, answer.compact()).body("ok").build();
        }
    }

    /** The draft of a response ECT answering {@code inbound}: aud = its iss, pred = [its jti], same wid. */
    static Ect.Builder responseFor(Ect inbound) {
        return Ect.builder().iss(B).aud(inbound.iss()).execAct("answer").pred(inbound.jti()).wid(inbound.wid());
    }
}
