package dev.ect.benchmarks;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureSpi;

/**
 * A JCA provider whose ES256 "signature" is free: sign returns 64 bytes of 0x01 and verify says
 * true. Only for measuring the non-crypto part of the pipeline (the pre-checks still run).
 */
final class FakeProvider extends Provider {
    private static final long serialVersionUID = 1L;
    static final FakeProvider INSTANCE = new FakeProvider();

    private FakeProvider() {
        super("FakeFree", "1", "benchmark only: no signature is checked");
        for (String alg : new String[] {"SHA256withECDSAinP1363Format", "SHA256withECDSA"}) {
            putService(new Service(this, "Signature", alg, Spi.class.getName(), null, null) {
                @Override
                public Object newInstance(Object param) { return new Spi(); }
            });
        }
    }

    static final class Spi extends SignatureSpi {
        private static final byte[] SIG = new byte[64];

        static {
            java.util.Arrays.fill(SIG, (byte) 1);
        }

        @Override protected void engineInitVerify(PublicKey k) {}
        @Override protected void engineInitSign(PrivateKey k) {}
        @Override protected void engineUpdate(byte b) {}
        @Override protected void engineUpdate(byte[] b, int off, int len) {}
        @Override protected byte[] engineSign() { return SIG.clone(); }
        @Override protected boolean engineVerify(byte[] sig) { return true; }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) { throw new UnsupportedOperationException(); }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) { throw new UnsupportedOperationException(); }
    }
}
