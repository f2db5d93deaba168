package dev.ect.servlet;

/** {@link RequestScopeContainerSuite} on embedded Jetty 12 (ee10). */
class JettyRequestScopeTest extends RequestScopeContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return JettyContainer::start; }
}
