package io.synack.conformance.script;

import java.util.List;
import java.util.stream.Collectors;

/** An argument or return value of a system call line. */
public sealed interface Expr {

    /** An integer: {@code 3}, {@code -1}, {@code 0x802}. */
    record Int(long value) implements Expr {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** {@code ...}: a live value the script does not check or give. */
    record Ellipsis() implements Expr {
        @Override
        public String toString() {
            return "...";
        }
    }

    /** A symbolic constant: {@code SOCK_STREAM}, {@code O_NONBLOCK}, {@code ECONNREFUSED}. */
    record Symbol(String name) implements Expr {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A string literal. */
    record Str(String value) implements Expr {
        @Override
        public String toString() {
            return "\"" + value + "\"";
        }
    }

    /** {@code A|B|C}: a bitwise or. */
    record BitOr(List<Expr> terms) implements Expr {
        @Override
        public String toString() {
            return terms.stream().map(Object::toString).collect(Collectors.joining("|"));
        }
    }

    /** {@code [v]}: an int passed by pointer. */
    record Pointer(Expr target) implements Expr {
        @Override
        public String toString() {
            return "[" + target + "]";
        }
    }

    /** {@code {onoff=1, linger=0}} or {@code {1, 2}}: a struct (field names may be absent). */
    record Struct(List<Field> fields) implements Expr {
        @Override
        public String toString() {
            return fields.stream().map(Object::toString).collect(Collectors.joining(", ", "{", "}"));
        }

        /** The field of that name, or null. */
        public Expr get(String name) {
            for (Field f : fields) {
                if (name.equals(f.name())) {
                    return f.value();
                }
            }
            return null;
        }
    }

    /** One struct member; {@code name} null when positional. */
    record Field(String name, Expr value) {
        @Override
        public String toString() {
            return name == null ? value.toString() : name + "=" + value;
        }
    }

    /** {@code htons(8080)}, {@code inet_addr("192.0.2.1")}. */
    record Call(String function, List<Expr> args) implements Expr {
        @Override
        public String toString() {
            return function + args.stream().map(Object::toString).collect(Collectors.joining(", ", "(", ")"));
        }
    }
}
