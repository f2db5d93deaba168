package dev.ect.cli;

import dev.ect.core.EctAlgorithm;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.core.tlog.CheckpointSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ect keygen}: a fresh signing key (private JWK) and its public JWKS. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Generate a signing key pair.",
            "Writes the private key as a JWK (file mode 600) and the public key as a JWKS document "
                + "to hand to verifiers (ect verify --trust ISS=PUBLIC.jwks)."})
final class KeygenCommand extends BaseCommand {
    @Option(names = "--kid", required = true, paramLabel = "KID", description = "key id written to every token's kid header")
    String kid;

    @Option(names = "--alg", paramLabel = "ALG", defaultValue = "ES256",
            description = "ES256 (default), ES384, ES512, EdDSA (Ed25519) or PS256 (RSA 3072)")
    String alg;

    @Option(names = "--private", required = true, paramLabel = "PRIVATE.jwk", description = "where to write the private JWK")
    Path privateFile;

    @Option(names = "--public", required = true, paramLabel = "PUBLIC.jwks", description = "where to write the public JWKS")
    Path publicFile;

    @Option(names = "--force", description = "overwrite existing files")
    boolean force;

    @Option(names = "--origin", paramLabel = "NAME",
            description = "EdDSA only: the signed-note key name printed with the verifier key, i.e. the ledger's "
                + "checkpoint origin (ect ledger checkpoint --origin); default: the kid")
    String origin;

    @Override
    public Integer call() {
        if (kid.isBlank()) {
            throw new CliException("--kid must not be empty (H-04)");
        }
        EctAlgorithm algorithm;
        try {
            algorithm = EctAlgorithm.parse(alg);
        } catch (IllegalArgumentException e) {
            throw new CliException("--alg: " + e.getMessage(), e);
        }
        if (privateFile.toAbsolutePath().normalize().equals(publicFile.toAbsolutePath().normalize())) {
            throw new CliException("--private and --public must be different files");
        }
        if (origin != null && algorithm != EctAlgorithm.EDDSA) {
            throw new CliException("--origin is for EdDSA (ledger checkpoint) keys");
        }
        EctKeyPair key = EctKeys.generate(algorithm, kid);
        String verifierKey = null;
        if (algorithm == EctAlgorithm.EDDSA) {
            try {
                verifierKey = CheckpointSigner.of(origin == null ? kid : origin, key).verifierKey();
            } catch (IllegalArgumentException e) {
                if (origin != null) {
                    throw new CliException("--origin: " + e.getMessage(), e);
                }
                // a kid that cannot be a note key name: no verifier key unless --origin names one
            }
        }
        write(privateFile, key.privateJwk(), true);
        write(publicFile, key.publicJwks(), false);
        out().println("generated " + algorithm + " key '" + kid + "': private " + privateFile
                + " (keep secret), public " + publicFile);
        if (verifierKey != null) {
            out().println("note verifier key: " + verifierKey);
        } else if (algorithm == EctAlgorithm.EDDSA) {
            out().println("no note verifier key: the kid is not a valid key name (spaces or '+'); give --origin");
        }
        return EctCli.OK;
    }

    private void write(Path file, String content, boolean secret) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (force) {
                Files.deleteIfExists(file);
            }
            if (secret && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(file + " already exists (use --force to overwrite)", e);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
