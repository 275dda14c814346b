package io.carp.benchmarks;

/**
 * The {@link HmacSha1Benchmark} pieces timed by CPU time, as {@link CodecCpuTime} does for the codec.
 * Run: {@code java -cp carp-benchmarks/target/benchmarks.jar io.carp.benchmarks.HmacSha1CpuTime}.
 */
public final class HmacSha1CpuTime {
    private HmacSha1CpuTime() {
    }

    /**
     * Prints one line per piece.
     *
     * @param args ignored
     * @throws Exception if the benchmark's set-up fails
     */
    public static void main(String[] args) throws Exception {
        HmacSha1Benchmark b = new HmacSha1Benchmark();
        b.setUp();
        CodecCpuTime.report("decodeOnly", () -> b.decodeOnly() == null ? 1 : 0);
        CodecCpuTime.report("compareOnly", () -> b.compareOnly() ? 1 : 0);
        CodecCpuTime.report("jdkSha1OneBlock", () -> b.jdkSha1OneBlock()[0]);
        CodecCpuTime.report("jdkMessageDigestHmac", () -> b.jdkMessageDigestHmac()[0]);
        CodecCpuTime.report("keyedStateHmac", () -> b.keyedStateHmac()[0]);
        CodecCpuTime.report("authenticatorDigest", () -> b.authenticatorDigest()[0]);
    }
}
