package dev.jdnn.nativelib;

/** Run by {@link DnnlLibraryProvisionTest} in a child JVM: prints what {@link DnnlLibrary#status()} says. */
public final class StatusProbe {

    private StatusProbe() {
    }

    public static void main(String[] args) {
        DnnlStatus status = DnnlLibrary.status();
        System.out.println("available=" + status.available());
        System.out.println("source=" + status.source());
        System.out.println("reason=" + status.reason());
    }
}
