package io.trellis.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input: exit 1 and one line saying what is wrong, before any traffic. */
class LoadtestFlagsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--target 127.0.0.1                        | '127.0.0.1': no port; use HOST:PORT",
        "--target 127.0.0.1:0                      | '127.0.0.1:0': port 0 is out of range; use 1-65535",
        "--target 127.0.0.1:70000                  | '127.0.0.1:70000': port 70000 is out of range; use 1-65535",
        "--target 127.0.0.1:http                   | '127.0.0.1:http': port \"http\" is not a number",
        "--target ::1:80                           | an IPv6 address goes in brackets",
        "--target 127.0.0.1:80 -c 0                | invalid --connections 0: use 1-10000",
        "--target 127.0.0.1:80 -c 10001            | invalid --connections 10001: use 1-10000",
        "--target 127.0.0.1:80 -d 0s               | invalid --duration 0ms: use more than 0 and at most 1h",
        "--target 127.0.0.1:80 -d 61m              | invalid --duration 61m: use more than 0 and at most 1h",
        "--target 127.0.0.1:80 -d ten              | 'ten' is not a duration; use e.g. 500ms, 10s, 2m or 1h",
        "--target 127.0.0.1:80 --rate 0            | invalid --rate 0: use 1-1000000 requests per second",
        "--target 127.0.0.1:80 --rate 2000000      | invalid --rate 2000000: use 1-1000000 requests per second",
        "--target 127.0.0.1:80 --timeout 2m        | invalid --timeout 2m: use more than 0 and at most 1m",
        "--target 127.0.0.1:80 -t 0                | invalid --threads 0: use 1-256",
        "--target 127.0.0.1:80 --udp --http /x     | --udp and --http exclude each other",
        "--target 127.0.0.1:80 --udp --reconnect   | --reconnect is for HTTP",
        "--target 127.0.0.1:80 --http x            | invalid --http \"x\": a path starts with / and has no spaces",
        "--target 127.0.0.1:80 --bogus             | Unknown option: '--bogus'",
        "-c 3                                      | Missing required option: '--target=HOST:PORT'",
        "--target nosuchhost.invalid:80            | cannot resolve nosuchhost.invalid",
    })
    void badInputIsOneLineAndExitOne(String args, String message) {
        Loadtest.Result result = Loadtest.run(args.split(" "));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines()).singleElement().asString().startsWith("error: ").contains(message);
    }
}
