package io.lakebase.spring.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample application in a JVM of its own, started the way an operator starts it: a
 * {@code java} command with system properties, arguments and environment variables. Everything it
 * prints is kept, for assertions; its HTTP port is read from its log.
 */
final class ForkedSample implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (?:\\(s\\): )?(\\d+)");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Process process;

	private final StringBuffer output = new StringBuffer();

	private final Thread reader;

	private volatile int port = -1;

	private ForkedSample(Process process) {
		this.process = process;
		this.reader = new Thread(this::read, "forked-sample-output");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts the sample and waits until it serves HTTP.
	 * @param jvmArguments options for the JVM, such as {@code -Dspring.aot.enabled=true}
	 * @param arguments the application's arguments
	 * @param environment variables to add to a clean environment
	 * @return the running sample
	 * @throws IOException if the JVM cannot be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	static ForkedSample start(List<String> jvmArguments, List<String> arguments, Map<String, String> environment)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// A JVM that lives seconds: the quick compiler alone starts it with far less CPU.
		command.add("-XX:TieredStopAtLevel=1");
		command.addAll(jvmArguments);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// Like the build's test JVMs: nothing of this machine's Databricks set-up may leak in.
		builder.environment()
			.keySet()
			.removeIf((name) -> name.startsWith("DATABRICKS_") || name.startsWith("ARM_")
					|| name.startsWith("ACTIONS_ID_TOKEN_") || name.equals("GOOGLE_CREDENTIALS")
					|| name.equals("TOKEN_AUDIENCE") || name.equals("SPRING_APPLICATION_JSON")
					|| name.equals("JAVA_TOOL_OPTIONS") || name.equals("ENDPOINT_NAME") || name.startsWith("PG"));
		builder.environment().putAll(environment);
		ForkedSample sample = new ForkedSample(builder.start());
		sample.awaitStarted();
		return sample;
	}

	/**
	 * Returns the sample's base URL.
	 * @return the URL, such as {@code http://127.0.0.1:8080}
	 */
	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Returns everything the sample printed so far.
	 * @return the output
	 */
	String output() {
		return this.output.toString();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		this.reader.join(5000);
	}

	private void awaitStarted() throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (this.port < 0 || !this.output.toString().contains("Started SampleApplication")) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The sample exited with " + this.process.exitValue() + ":\n" + output());
			}
			if (System.nanoTime() > deadline) {
				this.process.destroyForcibly();
				throw new IllegalStateException("The sample did not start within " + START_TIMEOUT + ":\n" + output());
			}
			Thread.sleep(100);
		}
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				this.output.append(line).append('\n');
				Matcher port = PORT.matcher(line);
				if (port.find()) {
					this.port = Integer.parseInt(port.group(1));
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

}
