package dev.ect.servlet;

/** {@link EctFilterContainerSuite} on embedded Tomcat 11. */
class TomcatEctFilterTest extends EctFilterContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return TomcatContainer::start; }
}
