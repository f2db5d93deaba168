package dev.ect.okhttp.internal;

import dev.ect.core.client.EctClientConfig;
import dev.ect.okhttp.AudienceResolver;
import dev.ect.okhttp.ExecActResolver;

/**
 * The validated options of one {@code EctOkHttp}: the options every HTTP client
 * integration shares ({@link EctClientConfig}) and the OkHttp forms of the resolvers.
 */
public record EctConfig(EctClientConfig client, AudienceResolver audience, ExecActResolver execAct) {}
