package dev.ect.core.dag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSettings;
import dev.ect.core.SignedEct;
import dev.ect.core.VerificationListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ForwardingEctStoreTest {
    @Test
    @DisplayName("V-13 G-05 a forwarding store overrides every EctStore method, so a wrapper never falls back to one lookup per id")
    void forwardsEveryMethod() throws NoSuchMethodException {
        List<String> missing = new ArrayList<>();
        for (Method m : EctStore.class.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            try {
                ForwardingEctStore.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertThat(missing).as("EctStore methods ForwardingEctStore does not pass on").isEmpty();
    }

    @Test
    @DisplayName("G-05 through a forwarding wrapper the validator uses the delegate's one-call DAG check and its decided walk")
    void validatorUsesTheDelegatesOneCallCheck() {
        String wid = UUID.randomUUID().toString();
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        Ect root = Ect.builder().iss("a").aud("b").jti(UUID.randomUUID().toString()).wid(wid).execAct("x").iat(now)
                .exp(now.plusSeconds(60)).build();
        SignedEct stored = dev.ect.core.internal.TestTokens.unsigned(root);
        int[] calls = new int[3]; // lookupForCheck, findByJtis, walkAncestors
        EctStore db = new EctStore() {
            @Override
            public List<SignedEct> findByJti(String jti) { return jti.equals(root.jti()) ? List.of(stored) : List.of(); }

            @Override
            public List<List<SignedEct>> findByJtis(List<String> jtis, Duration timeout) {
                calls[1]++;
                return jtis.stream().map(this::findByJti).toList();
            }

            @Override
            public DagLookups lookupForCheck(Ect child, List<String> ids, int limit, Duration timeout) {
                calls[0]++;
                return DagLookups.of(ids.stream().map(this::findByJti).toList(), AncestorWalk.complete(1));
            }

            @Override
            public AncestorWalk walkAncestors(List<SignedEct> parents, String jti, int limit, Duration timeout) {
                calls[2]++;
                return AncestorWalk.complete(parents.size());
            }
        };
        ForwardingEctStore wrapper = () -> db;
        Ect child = Ect.builder().iss("a").aud("b").jti(UUID.randomUUID().toString()).wid(wid).execAct("y")
                .pred(List.of(root.jti())).iat(now).exp(now.plusSeconds(60)).build();
        DagView view = new DagValidator(wrapper, EctSettings.defaults(), List.of(), VerificationListener.noop()).check(child);
        assertThat(view.predecessors()).containsExactly(root);
        assertThat(calls).as("lookupForCheck, findByJtis, walkAncestors").containsExactly(1, 0, 0);
    }
}
