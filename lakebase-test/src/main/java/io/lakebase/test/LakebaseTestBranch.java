package io.lakebase.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class on a Lakebase branch of {@code lakebase.test.parent}, made for the test run
 * (by default, shared by every class of the run) or for the class alone, and deleted afterwards.
 *
 * <p>
 * A plain JUnit test takes the {@link TestBranch} as a parameter (of a test, a constructor or a
 * {@code @BeforeAll} method) and its {@link TestBranch#dataSource() DataSource}. A
 * {@code @SpringBootTest} gets the starter pointed at the branch's compute ({@code
 * lakebase.endpoint}) and the {@link TestBranch} as a bean.
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LakebaseTestBranchExtension.class)
public @interface LakebaseTestBranch {

	/**
	 * The branch to copy, {@code projects/<project-id>/branches/<branch-id>}, instead of
	 * {@code lakebase.test.parent}.
	 * @return the parent branch, or blank for {@code lakebase.test.parent}
	 */
	String parent() default "";

	/**
	 * Whom the branch is for.
	 * @return the scope; {@link Scope#RUN} by default
	 */
	Scope scope() default Scope.RUN;

	/**
	 * Whom a branch is for.
	 */
	enum Scope {

		/**
		 * One branch for every class of the test run (of the JVM) with the same settings, in
		 * parallel too: made once, deleted when the run ends.
		 */
		RUN,

		/**
		 * A branch for this class alone, deleted after it (a Spring test: when its context is
		 * closed, right after the class with {@code @DirtiesContext}).
		 */
		CLASS

	}

}
