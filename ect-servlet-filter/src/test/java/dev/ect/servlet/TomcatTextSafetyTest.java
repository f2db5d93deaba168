package dev.ect.servlet;

/** {@link TextSafetyContainerSuite} on embedded Tomcat 11. */
class TomcatTextSafetyTest extends TextSafetyContainerSuite {
    @Override
    protected TestContainer.Factory containerFactory() { return TomcatContainer::start; }
}
