package io.lakebase.local;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link LocalLakebase} for a JUnit 5 test class (as a {@code static}
 * {@code @RegisterExtension} field) or for each test (as an instance field), and injects it into
 * test method parameters of type {@link LocalLakebase}.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static LocalLakebaseExtension lakebase = new LocalLakebaseExtension();
 * </pre>
 */
public final class LocalLakebaseExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private final Supplier<LocalLakebase> starter;

	private @Nullable LocalLakebase lakebase;

	private boolean perClass;

	/**
	 * An extension running a local Lakebase with the defaults.
	 */
	public LocalLakebaseExtension() {
		this(LocalLakebase.builder());
	}

	/**
	 * An extension running a local Lakebase configured by a builder.
	 * @param builder the configuration
	 */
	public LocalLakebaseExtension(LocalLakebase.Builder builder) {
		this.starter = builder::start;
	}

	/**
	 * Returns the running local Lakebase.
	 * @return the local Lakebase
	 */
	public LocalLakebase get() {
		if (this.lakebase == null) {
			throw new IllegalStateException("The local Lakebase runs only while a test class or test runs");
		}
		return this.lakebase;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.perClass = true;
		this.lakebase = this.starter.get();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		stop();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!this.perClass) {
			this.lakebase = this.starter.get();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			stop();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == LocalLakebase.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return get();
	}

	private void stop() {
		if (this.lakebase != null) {
			this.lakebase.close();
			this.lakebase = null;
		}
	}

}
