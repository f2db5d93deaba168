package dev.ect.servlet;

/** {@link RequestScopeContainerSuite} on embedded Tomcat 11. */
class TomcatRequestScopeTest extends RequestScopeContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return TomcatContainer::start; }
}
