#!/usr/bin/python3
"""Generates jdnn's FFM bindings to oneDNN's C API, in jextract's layout, from oneDNN's own headers.

Parses oneapi/dnnl/dnnl.h with libclang (Debian's python3-clang) and writes, for the symbols listed in
dnnl_symbols.txt, Java sources into bindings/src/generated/java/dev/jdnn/bindings/dnnl/:

  dnnl_h.java      static downcall methods (one per function, its handle made on first call) and constant
                   methods (enum values and integer macros), with values as libclang evaluates them
  <struct>.java    one class per struct: its GroupLayout (padding included), size, and field accessors

The output depends only on the headers and the symbol list: running it twice gives the same files. Any error
(a header that does not parse, a listed symbol that is missing, a C type it does not map) stops it with a
message and writes nothing. See README.md beside this file.
"""

import argparse
import glob
import os
import re
import sys

try:
    import clang.cindex as ci
except ImportError:
    sys.exit("generate_dnnl_bindings.py needs libclang's Python bindings: "
             "apt-get install python3-clang libclang1-14, and run it with /usr/bin/python3")

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "dev.jdnn.bindings.dnnl"
SCRIPT = "bindings/generator/generate_dnnl_bindings.py"
WIDTH = 120

JAVA_KEYWORDS = {
    "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
    "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
    "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
    "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
    "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "yield",
    "record", "sealed", "permits",
}


class GeneratorError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# C types -> Java carriers and layouts


class Carrier:
    """How one C scalar type crosses into Java: Java type, dnnl_h layout constant, its ValueLayout type, bytes."""

    def __init__(self, java, layout, layout_type, size):
        self.java = java
        self.layout = layout
        self.layout_type = layout_type
        self.size = size


CHAR = Carrier("byte", "C_CHAR", "OfByte", 1)
SHORT = Carrier("short", "C_SHORT", "OfShort", 2)
INT = Carrier("int", "C_INT", "OfInt", 4)
LONG = Carrier("long", "C_LONG", "OfLong", 8)
LONG_LONG = Carrier("long", "C_LONG_LONG", "OfLong", 8)
FLOAT = Carrier("float", "C_FLOAT", "OfFloat", 4)
DOUBLE = Carrier("double", "C_DOUBLE", "OfDouble", 8)
POINTER = Carrier("MemorySegment", "C_POINTER", "AddressLayout", 8)

SCALARS = {
    ci.TypeKind.CHAR_S: CHAR, ci.TypeKind.CHAR_U: CHAR, ci.TypeKind.SCHAR: CHAR, ci.TypeKind.UCHAR: CHAR,
    ci.TypeKind.SHORT: SHORT, ci.TypeKind.USHORT: SHORT,
    ci.TypeKind.INT: INT, ci.TypeKind.UINT: INT,
    ci.TypeKind.LONG: LONG, ci.TypeKind.ULONG: LONG,
    ci.TypeKind.LONGLONG: LONG_LONG, ci.TypeKind.ULONGLONG: LONG_LONG,
    ci.TypeKind.FLOAT: FLOAT, ci.TypeKind.DOUBLE: DOUBLE,
    ci.TypeKind.POINTER: POINTER,
}


def carrier(c_type, what, parameter=False):
    """The Carrier of a C type; a parameter of array type is a pointer, as C adjusts it."""
    canonical = c_type.get_canonical()
    kind = canonical.kind
    if kind == ci.TypeKind.ENUM:
        kind = canonical.get_declaration().enum_type.get_canonical().kind
    if parameter and kind in (ci.TypeKind.CONSTANTARRAY, ci.TypeKind.INCOMPLETEARRAY):
        return POINTER
    result = SCALARS.get(kind)
    if result is None:
        raise GeneratorError(f"{what}: C type '{c_type.spelling}' ({kind}) has no mapping here; "
                             "extend SCALARS in the generator")
    if canonical.get_size() != result.size:
        raise GeneratorError(f"{what}: C type '{c_type.spelling}' is {canonical.get_size()} bytes, "
                             f"{result.java} is {result.size}: this generator assumes LP64 (Linux x86-64)")
    return result


def java_name(name):
    return name + "_" if name in JAVA_KEYWORDS else name


# ---------------------------------------------------------------------------------------------------------------
# Reading the headers


def find_libclang(explicit):
    if explicit:
        return explicit
    candidates = []
    for pattern in ("/usr/lib/x86_64-linux-gnu/libclang-*.so.1", "/usr/lib/x86_64-linux-gnu/libclang-*.so",
                    "/usr/lib/llvm-*/lib/libclang.so.1", "/usr/lib/llvm-*/lib/libclang.so",
                    "/usr/lib/x86_64-linux-gnu/libclang.so.1"):
        candidates.extend(sorted(glob.glob(pattern), reverse=True))
    return candidates[0] if candidates else None


def parse(index, include_dir, file_name, contents=None):
    args = ["-x", "c", "-std=c11", "-I" + include_dir]
    options = (ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
               | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES)
    unsaved = [(file_name, contents)] if contents is not None else None
    tu = index.parse(file_name, args=args, unsaved_files=unsaved, options=options)
    errors = [str(d) for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        raise GeneratorError(f"libclang cannot parse {file_name}:\n  " + "\n  ".join(errors))
    return tu


def from_dnnl_headers(cursor):
    location = cursor.location
    return location.file is not None and "/oneapi/dnnl/" in location.file.name.replace(os.sep, "/")


class Headers:
    """The declarations of dnnl.h (and what it includes) that this generator can bind, by name."""

    def __init__(self, tu):
        self.functions = {}
        self.typedefs = {}
        self.macros = {}  # name -> list of tokens after the name, or None if function-like
        self.macro_order = []
        for cursor in tu.cursor.get_children():
            if not from_dnnl_headers(cursor):
                continue
            if cursor.kind == ci.CursorKind.FUNCTION_DECL:
                self.functions[cursor.spelling] = cursor
            elif cursor.kind == ci.CursorKind.TYPEDEF_DECL:
                self.typedefs[cursor.spelling] = cursor
            elif cursor.kind == ci.CursorKind.MACRO_DEFINITION:
                tokens = list(cursor.get_tokens())
                function_like = (len(tokens) > 1 and tokens[1].spelling == "("
                                 and tokens[1].extent.start.offset == tokens[0].extent.end.offset)
                self.macros[cursor.spelling] = None if function_like else [t for t in tokens[1:]]
                self.macro_order.append(cursor.spelling)

    def is_plain_integer_macro(self, name, seen=()):
        """A literal integer, or the name of another such macro: '#define DNNL_ARG_SRC DNNL_ARG_SRC_0'."""
        tokens = self.macros.get(name)
        if not tokens or len(tokens) != 1 or name in seen:
            return False
        token = tokens[0]
        if token.kind == ci.TokenKind.LITERAL:
            return re.fullmatch(r"(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*", token.spelling) is not None
        if token.kind == ci.TokenKind.IDENTIFIER:
            return self.is_plain_integer_macro(token.spelling, seen + (name,))
        return False

    def declaration_of_typedef(self, name, kind, what):
        typedef = self.typedefs.get(name)
        if typedef is None:
            raise GeneratorError(f"{what} {name}: no typedef of that name in the oneDNN headers")
        declaration = typedef.underlying_typedef_type.get_canonical().get_declaration()
        if declaration.kind != kind:
            raise GeneratorError(f"{what} {name}: is a typedef of {declaration.kind}, not {kind}")
        return declaration


def evaluate_macros(index, include_dir, names):
    """Integer values of macros, as clang evaluates them: each becomes an enumerator in a scratch file."""
    if not names:
        return {}
    lines = ['#include "oneapi/dnnl/dnnl.h"', "enum {"]
    lines += [f"    jdnn_macro_value__{name} = ({name})," for name in names]
    lines.append("};")
    tu = parse(index, include_dir, "jdnn_macro_values.c", "\n".join(lines) + "\n")
    values = {}
    for cursor in tu.cursor.walk_preorder():
        if cursor.kind == ci.CursorKind.ENUM_CONSTANT_DECL and cursor.spelling.startswith("jdnn_macro_value__"):
            values[cursor.spelling[len("jdnn_macro_value__"):]] = cursor.enum_value
    missing = [name for name in names if name not in values]
    if missing:
        raise GeneratorError("libclang gave no value for macros " + ", ".join(missing))
    return values


# ---------------------------------------------------------------------------------------------------------------
# The symbol list


def read_symbols(path):
    symbols = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or parts[0] not in ("function", "enum", "define", "struct"):
                raise GeneratorError(f"{path}:{number}: expected 'function|enum|define|struct NAME', got '{line}'")
            symbols.append((parts[0], parts[1]))
    names = [name for _, name in symbols]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise GeneratorError(f"{path}: listed more than once: {', '.join(duplicates)}")
    return symbols


# ---------------------------------------------------------------------------------------------------------------
# Java text


def wrap_list(prefix, items, suffix, indent, continuation, width=WIDTH):
    """'prefix item, item, ...suffix' on one line if it fits in width, else one line per item."""
    one_line = " " * indent + prefix + ", ".join(items) + suffix
    if len(one_line) <= width:
        return [one_line]
    lines = [" " * indent + prefix.rstrip()]
    for i, item in enumerate(items):
        lines.append(" " * continuation + item + ("," if i < len(items) - 1 else suffix))
    return lines


def header_comment(version):
    return (f"// Generated by {SCRIPT} from oneDNN {version} headers (oneapi/dnnl/dnnl.h)\n"
            "// and bindings/generator/dnnl_symbols.txt. Do not edit: change the symbol list or the generator and\n"
            "// run it again (see bindings/generator/README.md).\n")


def c_declaration(type_spelling, name):
    """'const float *A', not 'const float * A'."""
    return type_spelling + ("" if type_spelling.endswith("*") or not name else " ") + name


def c_prototype(cursor):
    parameters = [c_declaration(p.type.spelling, p.spelling) for p in cursor.get_arguments()] or ["void"]
    return wrap_list(c_declaration(cursor.type.get_result().spelling, cursor.spelling) + "(", parameters, ")", 0, 4,
                     WIDTH - len("     * "))


def function_java(cursor):
    name = cursor.spelling
    if cursor.type.kind != ci.TypeKind.FUNCTIONPROTO or cursor.type.is_function_variadic():
        raise GeneratorError(f"function {name}: variadic or unprototyped functions are not supported")
    result_type = cursor.type.get_result()
    returns = None if result_type.get_canonical().kind == ci.TypeKind.VOID else carrier(result_type, name)
    parameters = []
    for i, p in enumerate(cursor.get_arguments()):
        parameters.append((java_name(p.spelling or f"x{i}"), carrier(p.type, f"{name}({p.spelling})", True)))

    layouts = [f"dnnl_h.{c.layout}" for _, c in parameters]
    if returns is None:
        descriptor = wrap_list("static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(", layouts, ");",
                               8, 16)
    else:
        descriptor = wrap_list("static final FunctionDescriptor DESC = FunctionDescriptor.of(",
                               [f"dnnl_h.{returns.layout}"] + layouts, ");", 8, 16)

    java_return = "void" if returns is None else returns.java
    arguments = ", ".join(n for n, _ in parameters)
    out = []
    out.append(f"    private static final class {name} {{")
    out.extend(descriptor)
    out.extend(wrap_list("static final MethodHandle HANDLE = dnnl_h.downcallHandle(", [f'"{name}"', "DESC"], ");",
                         8, 16))
    out.append("    }")
    out.append("")
    out.append(f"    /** The function descriptor of {{@code {name}}}. */")
    out.append(f"    public static FunctionDescriptor {name}$descriptor() {{")
    out.append(f"        return {name}.DESC;")
    out.append("    }")
    out.append("")
    out.append(f"    /** The downcall handle of {{@code {name}}}. */")
    out.append(f"    public static MethodHandle {name}$handle() {{")
    out.append(f"        return {name}.HANDLE;")
    out.append("    }")
    out.append("")
    out.append("    /**")
    out.append("     * {@snippet lang=c :")
    out.extend("     * " + line for line in c_prototype(cursor))
    out.append("     * }")
    out.append("     */")
    out.extend(wrap_list(f"public static {java_return} {name}(", [f"{c.java} {n}" for n, c in parameters], ") {",
                         4, 12))
    out.append(f"        var mh$ = {name}.HANDLE;")
    out.append("        try {")
    if returns is None:
        out.append(f"            mh$.invokeExact({arguments});")
    else:
        out.extend(wrap_list(f"return ({returns.java}) mh$.invokeExact(", [n for n, _ in parameters], ");", 12, 20))
    out.append("        } catch (Error | RuntimeException ex$) {")
    out.append("            throw ex$;")
    out.append("        } catch (Throwable ex$) {")
    out.append('            throw new AssertionError("should not reach here", ex$);')
    out.append("        }")
    out.append("    }")
    return out


def constant_java(name, value, comment):
    if -2**31 <= value < 2**31:
        java_type, literal = "int", str(value)
    elif -2**63 <= value < 2**63:
        java_type, literal = "long", f"{value}L"
    else:
        raise GeneratorError(f"{name} = {value} does not fit a Java long")
    return [f"    /** {comment} */",
            f"    public static {java_type} {java_name(name)}() {{",
            f"        return {literal};",
            "    }"]


def header_class(version, functions, constant_groups):
    out = [header_comment(version)]
    out.append(f"package {PACKAGE};")
    out.append("")
    out.append("import dev.jdnn.nativelib.DnnlLibrary;")
    out.append("import dev.jdnn.nativelib.DnnlUnavailableException;")
    out.append("import java.lang.foreign.AddressLayout;")
    out.append("import java.lang.foreign.FunctionDescriptor;")
    out.append("import java.lang.foreign.Linker;")
    out.append("import java.lang.foreign.MemorySegment;")
    out.append("import java.lang.foreign.ValueLayout;")
    out.append("import java.lang.invoke.MethodHandle;")
    out.append("import java.lang.invoke.MethodHandles;")
    out.append("import java.lang.invoke.MethodType;")
    out.append("")
    out.append("/**")
    out.append(" * oneDNN's C API ({@code oneapi/dnnl/dnnl.h}): the functions, enum values and macros listed in")
    out.append(" * {@code bindings/generator/dnnl_symbols.txt}, in jextract's layout.")
    out.append(" *")
    out.append(" * <p>Each function's downcall handle is made on the function's first call, from")
    out.append(" * {@link DnnlLibrary#symbolLookup()}. Loading this class never fails: when oneDNN cannot be loaded, or")
    out.append(" * lacks a symbol, calling the function throws {@link DnnlUnavailableException} saying why.")
    out.append(" * Constants are plain methods and never touch the library.")
    out.append(" */")
    out.append("public final class dnnl_h {")
    out.append("")
    out.append("    private dnnl_h() {")
    out.append("    }")
    out.append("")
    out.append("    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;")
    out.append("    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;")
    out.append("    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;")
    out.append("    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;")
    out.append("    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;")
    out.append("    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;")
    out.append("    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;")
    out.append("    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;")
    out.append("")
    out.append("    /**")
    out.append("     * The downcall handle of {@code name}; if oneDNN or the symbol is missing, a handle of the same type")
    out.append("     * that throws a new {@link DnnlUnavailableException} with the reason each time it is called.")
    out.append("     */")
    out.append("    @SuppressWarnings(\"restricted\") // the one downcall factory; --enable-native-access allows it")
    out.append("    static MethodHandle downcallHandle(String name, FunctionDescriptor descriptor) {")
    out.append("        String reason;")
    out.append("        try {")
    out.append("            MemorySegment address = DnnlLibrary.symbolLookup().find(name).orElse(null);")
    out.append("            if (address != null) {")
    out.append("                return Linker.nativeLinker().downcallHandle(address, descriptor);")
    out.append("            }")
    out.append('            reason = "the loaded oneDNN library has no symbol " + name + " (bindings generated from oneDNN "')
    out.append(f'                    + "{version}, library " + DnnlLibrary.status() + ")";')
    out.append("        } catch (DnnlUnavailableException e) {")
    out.append('            reason = "cannot call " + name + ": " + e.getMessage();')
    out.append("        }")
    out.append("        MethodType type = descriptor.toMethodType();")
    out.append("        try {")
    out.append("            MethodHandle newException = MethodHandles.insertArguments(MethodHandles.publicLookup()")
    out.append("                    .findConstructor(DnnlUnavailableException.class, MethodType.methodType(void.class,")
    out.append("                            String.class)), 0, reason);")
    out.append("            MethodHandle thrower = MethodHandles.collectArguments(")
    out.append("                    MethodHandles.throwException(type.returnType(), DnnlUnavailableException.class), 0,")
    out.append("                    newException);")
    out.append("            return MethodHandles.dropArguments(thrower, 0, type.parameterList());")
    out.append("        } catch (ReflectiveOperationException e) {")
    out.append('            throw new AssertionError("should not reach here", e);')
    out.append("        }")
    out.append("    }")
    for cursor in functions:
        out.append("")
        out.extend(function_java(cursor))
    for title, constants in constant_groups:
        out.append("")
        out.append(f"    // {title}")
        for name, value, comment in constants:
            out.append("")
            out.extend(constant_java(name, value, comment))
    out.append("}")
    return "\n".join(out) + "\n"


def struct_class(version, name, declaration):
    c_type = declaration.type
    size = c_type.get_size()
    if size <= 0:
        raise GeneratorError(f"struct {name}: incomplete type")
    fields = []
    for field in declaration.get_children():
        if field.kind != ci.CursorKind.FIELD_DECL:
            continue
        if field.is_bitfield():
            raise GeneratorError(f"struct {name}: bit-field {field.spelling} is not supported")
        offset_bits = c_type.get_offset(field.spelling)
        if offset_bits < 0 or offset_bits % 8:
            raise GeneratorError(f"struct {name}: libclang gives no byte offset for {field.spelling}")
        fields.append((field.spelling, field.type, offset_bits // 8,
                       carrier(field.type, f"struct {name}.{field.spelling}")))

    elements = []
    position = 0
    for field_name, _, offset, c in fields:
        if offset < position:
            raise GeneratorError(f"struct {name}: field {field_name} overlaps the one before it")
        if offset > position:
            elements.append(f"MemoryLayout.paddingLayout({offset - position})")
        elements.append(f'dnnl_h.{c.layout}.withName("{field_name}")')
        position = offset + c.size
    if size > position:
        elements.append(f"MemoryLayout.paddingLayout({size - position})")

    out = [header_comment(version)]
    out.append(f"package {PACKAGE};")
    out.append("")
    out.append("import static java.lang.foreign.MemoryLayout.PathElement.groupElement;")
    out.append("")
    if any(c is POINTER for *_, c in fields):
        out.append("import java.lang.foreign.AddressLayout;")
    out.append("import java.lang.foreign.GroupLayout;")
    out.append("import java.lang.foreign.MemoryLayout;")
    out.append("import java.lang.foreign.MemorySegment;")
    out.append("import java.lang.foreign.SegmentAllocator;")
    if any(c is not POINTER for *_, c in fields):
        out.append("import java.lang.foreign.ValueLayout;")
    out.append("")
    out.append("/**")
    out.append(" * {@snippet lang=c :")
    out.append(" * typedef struct {")
    for field_name, field_type, _, _ in fields:
        out.append(f" *     {c_declaration(field_type.spelling, field_name)};")
    out.append(f" * }} {name};")
    out.append(" * }")
    out.append(" */")
    out.append(f"public final class {name} {{")
    out.append("")
    out.append(f"    private {name}() {{")
    out.append("    }")
    out.append("")
    out.append("    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(")
    for i, element in enumerate(elements):
        out.append("            " + element + ("," if i < len(elements) - 1 else ""))
    out.append(f'    ).withName("{name}");')
    out.append("")
    out.append("    /** The layout of this struct, padding included. */")
    out.append("    public static GroupLayout layout() {")
    out.append("        return $LAYOUT;")
    out.append("    }")
    out.append("")
    out.append(f"    /** {{@code sizeof({name})}}: {size}. */")
    out.append("    public static long sizeof() {")
    out.append("        return $LAYOUT.byteSize();")
    out.append("    }")
    out.append("")
    out.append("    /** A new, zeroed struct from {@code allocator}. */")
    out.append("    public static MemorySegment allocate(SegmentAllocator allocator) {")
    out.append("        return allocator.allocate($LAYOUT);")
    out.append("    }")
    out.append("")
    out.append("    /** A new, zeroed array of {@code count} structs from {@code allocator}. */")
    out.append("    public static MemorySegment allocateArray(long count, SegmentAllocator allocator) {")
    out.append("        return allocator.allocate(MemoryLayout.sequenceLayout(count, $LAYOUT));")
    out.append("    }")
    out.append("")
    out.append("    /** The {@code index}-th struct of an array of them. */")
    out.append("    public static MemorySegment asSlice(MemorySegment array, long index) {")
    out.append("        return array.asSlice(index * $LAYOUT.byteSize(), $LAYOUT);")
    out.append("    }")
    for field_name, field_type, offset, c in fields:
        j = java_name(field_name)
        layout_type = "AddressLayout" if c is POINTER else f"ValueLayout.{c.layout_type}"
        snippet = c_declaration(field_type.spelling, field_name)
        out.append("")
        out.extend(wrap_list(f"private static final {layout_type} {j}$LAYOUT = ({layout_type}) $LAYOUT.select(",
                             [f'groupElement("{field_name}")'], ");", 4, 12))
        out.append("")
        out.append(f"    /** The layout of {{@code {snippet}}}. */")
        out.append(f"    public static {layout_type} {j}$layout() {{")
        out.append(f"        return {j}$LAYOUT;")
        out.append("    }")
        out.append("")
        out.append(f"    private static final long {j}$OFFSET = {offset};")
        out.append("")
        out.append(f"    /** The byte offset of {{@code {snippet}}}: {offset}. */")
        out.append(f"    public static long {j}$offset() {{")
        out.append(f"        return {j}$OFFSET;")
        out.append("    }")
        out.append("")
        out.append(f"    /** Reads {{@code {snippet}}}. */")
        out.append(f"    public static {c.java} {j}(MemorySegment struct) {{")
        out.append(f"        return struct.get({j}$LAYOUT, {j}$OFFSET);")
        out.append("    }")
        out.append("")
        out.append(f"    /** Writes {{@code {snippet}}}. */")
        out.append(f"    public static void {j}(MemorySegment struct, {c.java} fieldValue) {{")
        out.append(f"        struct.set({j}$LAYOUT, {j}$OFFSET, fieldValue);")
        out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------------


def generate(include_dir, symbols_path, output_root, libclang):
    library = find_libclang(libclang)
    if library:
        ci.Config.set_library_file(library)
    index = ci.Index.create()
    dnnl_h = os.path.join(include_dir, "oneapi", "dnnl", "dnnl.h")
    if not os.path.isfile(dnnl_h):
        raise GeneratorError(f"{dnnl_h} does not exist: give the directory that contains oneapi/dnnl/dnnl.h")
    headers = Headers(parse(index, include_dir, dnnl_h))
    symbols = read_symbols(symbols_path)

    version_macros = ["DNNL_VERSION_MAJOR", "DNNL_VERSION_MINOR", "DNNL_VERSION_PATCH"]
    define_names = []
    for kind, name in symbols:
        if kind != "define":
            continue
        if name.endswith("*"):
            matches = [m for m in headers.macro_order
                       if m.startswith(name[:-1]) and headers.is_plain_integer_macro(m)]
            if not matches:
                raise GeneratorError(f"define {name}: no plain-integer macro has that prefix")
            define_names.extend(m for m in matches if m not in define_names)
        elif name not in headers.macros:
            raise GeneratorError(f"define {name}: no macro of that name in the oneDNN headers")
        elif headers.macros[name] is None:
            raise GeneratorError(f"define {name}: is a function-like macro")
        elif name not in define_names:
            define_names.append(name)
    values = evaluate_macros(index, include_dir, version_macros + define_names)
    version = ".".join(str(values[m]) for m in version_macros)

    functions = []
    constant_groups = []
    structs = []
    seen_constants = set()

    def add_constants(title, constants):
        for constant_name, _, _ in constants:
            if constant_name in seen_constants:
                raise GeneratorError(f"constant {constant_name} is listed twice")
            seen_constants.add(constant_name)
        constant_groups.append((title, constants))

    defines_emitted = False
    for kind, name in symbols:
        if kind == "function":
            cursor = headers.functions.get(name)
            if cursor is None:
                raise GeneratorError(f"function {name}: not declared in the oneDNN headers")
            functions.append(cursor)
        elif kind == "enum":
            declaration = headers.declaration_of_typedef(name, ci.CursorKind.ENUM_DECL, "enum")
            constants = [(c.spelling, c.enum_value, f"{{@code {name}.{c.spelling} = {c.enum_value}}}")
                         for c in declaration.get_children() if c.kind == ci.CursorKind.ENUM_CONSTANT_DECL]
            if not constants:
                raise GeneratorError(f"enum {name}: has no values")
            add_constants(f"enum {name}", constants)
        elif kind == "define":
            if not defines_emitted:  # all macros in one group, in the order listed and then of the headers
                defines_emitted = True
                constants = []
                for macro in define_names:
                    expansion = " ".join(t.spelling for t in headers.macros[macro])
                    comment = f"{{@code #define {macro} {expansion}}}"
                    if str(values[macro]) != expansion:
                        comment += f": {values[macro]}"
                    constants.append((macro, values[macro], comment))
                add_constants("macros", constants)
        elif kind == "struct":
            declaration = headers.declaration_of_typedef(name, ci.CursorKind.STRUCT_DECL, "struct")
            structs.append((name, declaration))

    files = {"dnnl_h.java": header_class(version, functions, constant_groups)}
    for name, declaration in structs:
        files[f"{name}.java"] = struct_class(version, name, declaration)

    package_dir = os.path.join(output_root, *PACKAGE.split("."))
    os.makedirs(package_dir, exist_ok=True)
    for stale in sorted(set(os.listdir(package_dir)) - set(files)):
        if stale.endswith(".java"):
            os.remove(os.path.join(package_dir, stale))
            print(f"removed {os.path.join(package_dir, stale)}")
    for file_name, text in files.items():
        path = os.path.join(package_dir, file_name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    constant_count = sum(len(c) for _, c in constant_groups)
    print(f"oneDNN {version}: {len(functions)} functions, {constant_count} constants, {len(structs)} structs "
          f"-> {package_dir}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("include_dir", help="directory containing oneapi/dnnl/dnnl.h")
    parser.add_argument("--symbols", default=os.path.join(HERE, "dnnl_symbols.txt"),
                        help="symbol list (default: dnnl_symbols.txt beside this script)")
    parser.add_argument("--output", default=os.path.join(HERE, os.pardir, "src", "generated", "java"),
                        help="source root to write into (default: bindings/src/generated/java)")
    parser.add_argument("--libclang", help="path of libclang's shared library (default: the newest installed)")
    args = parser.parse_args()
    try:
        generate(os.path.abspath(args.include_dir), args.symbols, os.path.normpath(args.output), args.libclang)
    except GeneratorError as e:
        sys.exit(f"generate_dnnl_bindings.py: {e}")


if __name__ == "__main__":
    main()
