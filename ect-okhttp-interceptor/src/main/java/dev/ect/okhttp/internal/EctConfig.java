package dev.ect.okhttp.internal;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.okhttp.AudienceResolver;
import dev.ect.okhttp.EctOkHttp.ExistingHeader;
import dev.ect.okhttp.EctOkHttp.MissingContext;
import dev.ect.okhttp.EctOkHttp.UnknownAudience;
import dev.ect.okhttp.ExecActResolver;

/** The validated options of one {@link dev.ect.okhttp.EctOkHttp}; built only by its builder. */
public record EctConfig(
        EctSigner signer,
        String selfId,
        AudienceResolver audience,
        ExecActResolver execAct,
        EctVerifier responseVerifier,
        int maxTokenBytes,
        ExistingHeader existingHeader,
        MissingContext missingContext,
        UnknownAudience unknownAudience) {}
