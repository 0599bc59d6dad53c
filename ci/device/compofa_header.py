"""Reads native/include/compofa.h, so the ctypes binding never hand-copies what the header says.

parse(path) gives a Header: the ABI version (#define COMPOFA_ABI_VERSION), every enum's constants
(status codes, backends, transforms, ...), every struct's fields and every function prototype, each
type mapped to ctypes. Only the C subset compofa.h uses is understood (it is one plain C11 header);
anything else in a prototype or struct raises HeaderError, so a header change this reader cannot
follow stops the device checks at start-up instead of producing a wrong binding.

Pointers become c_void_p (data, handles and out-parameters are passed as addresses or byref(...)),
except char pointers, which become c_char_p (strings). Structs are ctypes.Structure classes.
"""
import ctypes as C
import os
import re

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "native", "include",
                            "compofa.h")

_SCALARS = {"int32_t": C.c_int32, "int64_t": C.c_int64, "uint32_t": C.c_uint32, "uint64_t": C.c_uint64,
            "float": C.c_float, "double": C.c_double, "char": C.c_char, "void": None}


class HeaderError(ValueError):
    pass


class Header:
    """abi_version (int); enums {enum name: {CONSTANT: value}}; constants (every enum's, flat);
    structs {typedef name: ctypes.Structure}; functions {name: (argtypes list, restype)}."""

    def __init__(self, path):
        self.path = path
        self.abi_version = None
        self.enums, self.constants, self.structs, self.functions = {}, {}, {}, {}


def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _ctype(decl, structs, where):
    """ctypes type of a declaration without its name, e.g. 'const float*' or 'compofa_context**'."""
    stars = decl.count("*")
    words = [w for w in decl.replace("*", " ").split() if w not in ("const", "struct")]
    if len(words) != 1:
        raise HeaderError("%s: cannot read the type '%s'" % (where, decl.strip()))
    base = words[0]
    if stars == 0:
        if base in _SCALARS:
            return _SCALARS[base]
        if base in structs:
            raise HeaderError("%s: a struct passed by value ('%s') is not supported" % (where, decl.strip()))
        raise HeaderError("%s: unknown type '%s'" % (where, base))
    if base == "char" and stars == 1:
        return C.c_char_p
    if base in _SCALARS or base in structs or base.startswith("compofa_"):
        return C.c_void_p   # data, handles (opaque structs) and out-parameters: an address or byref()
    raise HeaderError("%s: unknown type '%s'" % (where, base))


def _split_declaration(decl, where):
    """'const float* x' -> ('const float*', 'x')."""
    m = re.fullmatch(r"\s*(.*?[\s*])(\w+)\s*", decl)
    if not m:
        raise HeaderError("%s: cannot read the declaration '%s'" % (where, decl.strip()))
    return m.group(1), m.group(2)


def _enums(text, header):
    for name, body in re.findall(r"\benum\s+(\w+)\s*\{(.*?)\}\s*;", text, flags=re.S):
        values, next_value = {}, 0
        for item in (i.strip() for i in body.split(",")):
            if not item:
                continue
            m = re.fullmatch(r"(\w+)\s*(?:=\s*(-?\d+))?", item)
            if not m:
                raise HeaderError("enum %s: cannot read '%s'" % (name, item))
            value = int(m.group(2)) if m.group(2) is not None else next_value
            values[m.group(1)] = value
            next_value = value + 1
        header.enums[name] = values
        header.constants.update(values)


def _structs(text, header):
    for tag, body, alias in re.findall(r"\btypedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", text, flags=re.S):
        fields = []
        for member in (m.strip() for m in body.split(";")):
            if not member:
                continue
            first, *more = member.split(",")
            type_text, name = _split_declaration(first, "struct " + tag)
            ctype = _ctype(type_text, header.structs, "struct %s.%s" % (tag, name))
            fields.append((name, ctype))
            for extra in more:   # 'int32_t n, h, w': the type of the first name, no stars of its own
                if not re.fullmatch(r"\s*\w+\s*", extra):
                    raise HeaderError("struct %s: cannot read '%s'" % (tag, member))
                fields.append((extra.strip(), ctype))
        header.structs[alias] = type(alias, (C.Structure,), {"_fields_": fields})
        header.structs.setdefault(tag, header.structs[alias])


def _functions(text, header):
    # Declarations only: 'type name(params);' at the top level (no bodies in this header).
    for ret, name, params in re.findall(r"(?:(?<=[;{}])|^)\s*([\w\s*]+?[\s*])(compofa_\w+)\s*\(([^()]*)\)\s*;",
                                        text, flags=re.S):
        if "typedef" in ret:
            continue
        where = name + "()"
        restype = _ctype(ret, header.structs, where + " return")
        args = []
        params = params.strip()
        if params and params != "void":
            for p in params.split(","):
                type_text, pname = _split_declaration(p, where)
                args.append(_ctype(type_text, header.structs, "%s parameter %s" % (where, pname)))
        header.functions[name] = (args, restype)


def parse(path=None):
    """The Header of compofa.h at path (default: this repository's native/include/compofa.h)."""
    path = path or os.environ.get("COMPOFA_HEADER") or DEFAULT_PATH
    with open(path) as f:
        text = _strip_comments(f.read())
    header = Header(path)
    m = re.search(r"#\s*define\s+COMPOFA_ABI_VERSION\s+(\d+)", text)
    if not m:
        raise HeaderError("%s: no '#define COMPOFA_ABI_VERSION <n>'" % path)
    header.abi_version = int(m.group(1))
    text = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)   # preprocessor lines
    text = re.sub(r'extern\s+"C"\s*\{', " ", text)
    _enums(text, header)
    _structs(text, header)
    _functions(text, header)
    if "compofa_status_code" not in header.enums or "compofa_abi_version" not in header.functions:
        raise HeaderError("%s: no enum compofa_status_code or compofa_abi_version(): not compofa.h?" % path)
    return header
