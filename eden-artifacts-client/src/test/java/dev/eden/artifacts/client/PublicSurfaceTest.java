package dev.eden.artifacts.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No {@code internal} type appears in a public signature of the client (STYLE.md). */
class PublicSurfaceTest {

  @Test
  void noInternalTypeInAnyPublicSignature() throws Exception {
    List<String> leaks = new ArrayList<>();
    List<Class<?>> classes = publicClasses();
    assertThat(classes).contains(StoreClient.class, UnknownProblemTypeException.class);
    for (Class<?> type : classes) {
      check(leaks, type + " extends", type.getGenericSuperclass());
      for (Type implemented : type.getGenericInterfaces()) {
        check(leaks, type + " implements", implemented);
      }
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        checkExecutable(leaks, constructor);
      }
      for (Method method : type.getDeclaredMethods()) {
        if (visible(method)) {
          checkExecutable(leaks, method);
          check(leaks, method.toString(), method.getGenericReturnType());
        }
      }
      for (Field field : type.getDeclaredFields()) {
        if (visible(field)) {
          check(leaks, field.toString(), field.getGenericType());
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  /** The public classes of the client's API package, nested ones included. */
  private static List<Class<?>> publicClasses() throws Exception {
    Path root =
        Path.of(StoreClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path api = root.resolve("dev/eden/artifacts/client");
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(api)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class"))
          .collect(Collectors.toList())) {
        String name = root.relativize(file).toString().replace('/', '.').replace(".class", "");
        Class<?> type = Class.forName(name);
        if (Modifier.isPublic(type.getModifiers())) {
          classes.add(type);
        }
      }
    }
    return classes;
  }

  private static boolean visible(Member member) {
    int modifiers = member.getModifiers();
    return (Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers))
        && !member.isSynthetic();
  }

  private static void checkExecutable(List<String> leaks, Executable executable) {
    if (!visible(executable)) {
      return;
    }
    for (Type parameter : executable.getGenericParameterTypes()) {
      check(leaks, executable.toString(), parameter);
    }
    for (Type thrown : executable.getGenericExceptionTypes()) {
      check(leaks, executable.toString(), thrown);
    }
  }

  private static void check(List<String> leaks, String where, Type type) {
    if (type instanceof Class<?>) {
      Class<?> raw = (Class<?>) type;
      while (raw.isArray()) {
        raw = raw.getComponentType();
      }
      if (raw.getPackageName().contains(".internal")) {
        leaks.add(where + " names " + raw.getName());
      }
    } else if (type instanceof ParameterizedType) {
      check(leaks, where, ((ParameterizedType) type).getRawType());
      for (Type argument : ((ParameterizedType) type).getActualTypeArguments()) {
        check(leaks, where, argument);
      }
    } else if (type instanceof GenericArrayType) {
      check(leaks, where, ((GenericArrayType) type).getGenericComponentType());
    } else if (type instanceof WildcardType) {
      for (Type bound : ((WildcardType) type).getUpperBounds()) {
        check(leaks, where, bound);
      }
      for (Type bound : ((WildcardType) type).getLowerBounds()) {
        check(leaks, where, bound);
      }
    }
  }
}
