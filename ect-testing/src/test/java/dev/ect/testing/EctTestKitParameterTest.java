package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EctTestKit.class)
class EctTestKitParameterTest {
    @Test
    @DisplayName("@ExtendWith(EctTestKit.class) injects a default kit into test parameters")
    void injected(EctTestKit kit, EctTestKit again) {
        assertSame(kit, again);
        assertEquals(EctTestKit.DEFAULT_AUDIENCE, kit.verifier().verify(kit.token()).ect().aud().get(0));
    }
}
