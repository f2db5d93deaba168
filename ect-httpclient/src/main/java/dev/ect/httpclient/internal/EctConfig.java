package dev.ect.httpclient.internal;

import dev.ect.core.EctSigner;
import dev.ect.core.EctVerifier;
import dev.ect.httpclient.AudienceResolver;
import dev.ect.httpclient.EctHttp.ExistingHeader;
import dev.ect.httpclient.EctHttp.MissingContext;
import dev.ect.httpclient.EctHttp.UnknownAudience;
import dev.ect.httpclient.ExecActResolver;

/** The validated options of one {@link dev.ect.httpclient.EctHttp}; built only by its builder. */
public record EctConfig(
        EctSigner signer,
        String selfId,
        AudienceResolver audience,
        ExecActResolver execAct,
        EctVerifier responseVerifier,
        int maxTokenBytes,
        int maxRedirects,
        ExistingHeader existingHeader,
        MissingContext missingContext,
        UnknownAudience unknownAudience) {}
