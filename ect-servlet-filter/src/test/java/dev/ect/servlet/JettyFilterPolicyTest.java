package dev.ect.servlet;

/** {@link FilterPolicyContainerSuite} on embedded Jetty 12 (ee10). */
class JettyFilterPolicyTest extends FilterPolicyContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return JettyContainer::start; }
}
