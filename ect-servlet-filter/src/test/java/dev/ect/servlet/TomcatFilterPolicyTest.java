package dev.ect.servlet;

/** {@link FilterPolicyContainerSuite} on embedded Tomcat 11. */
class TomcatFilterPolicyTest extends FilterPolicyContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return TomcatContainer::start; }
}
