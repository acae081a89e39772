//! Maps a position in Helm's rendered output back to the template line that produced it.
//!
//! A template is not YAML, but Helm copies its literal text unchanged: a line without `{{ }}`
//! renders to itself, a line with actions renders to one line whose literal parts are the
//! template's, a line holding only a control action (`if`, `range`, `end`, ...) renders to
//! nothing, and a line holding only an output action (`toYaml`, `include`) renders to any
//! number of lines. So each rendered document is aligned to the template's lines with a
//! weighted longest common subsequence (literal matches outweigh pattern matches). A rendered
//! line that no template line matched (the second pass of a `range`, the output of an
//! `include`) is attributed to the single output action between its aligned neighbours, or to
//! a matching line under its nearest aligned ancestor key, or else to that ancestor itself,
//! which is then marked approximate. Lines an `include` produced are aligned again, with the
//! body of the named template (`define`) it includes, compared without indentation since
//! `nindent` moves them; that recurses into nested includes.

mod align;
#[cfg(test)]
mod corpus_renders;
mod includes;
mod map;
mod template;
mod unaligned;

pub use includes::Defines;
pub use map::Aligned;
pub use template::Template;

use crate::yaml::Span;

/// Where a rendered span comes from in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    /// `None`: the template itself; `Some(i)`: file `i` of the chart's named templates
    /// ([`Defines`]), when the field came from an `include`.
    pub file: Option<usize>,
    pub span: Span,
    /// No unique template line was found: `span` is the enclosing key's line.
    pub approximate: bool,
}

#[cfg(test)]
mod tests {
    use super::template::is_control;
    use super::unaligned::output_indent;
    use super::*;

    const TEMPLATE: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ include \"app.fullname\" . }}-win
  labels:
    {{- include \"app.labels\" . | nindent 4 }}
spec:
  template:
    spec:
      {{- with .Values.windows.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
      {{- range .Values.containers }}
      - name: {{ .name }}
        image: \"{{ .image }}\"
      {{- end }}
";

    const RENDERED: &str = "\
---
# Source: app/templates/ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: rel-app-win
  labels:
    app: x
    chart: y
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: a
        image: \"img:a\"
      - name: b
        image: \"img:b\"
";

    fn line_of(text: &str, needle: &str) -> (usize, usize) {
        let at = text.find(needle).expect("needle");
        let line = text[..at].matches('\n').count() + 1;
        (line, at)
    }

    fn mapped_line(needle: &str) -> (usize, bool, String) {
        let tpl = Template::new(TEMPLATE);
        let al = Aligned::new(&tpl, RENDERED, 0);
        let (_, at) = line_of(RENDERED, needle);
        let m = al.map(Span::new(at, at + needle.len()));
        let line = TEMPLATE[..m.span.start].matches('\n').count() + 1;
        (
            line,
            m.approximate,
            TEMPLATE[m.span.start..m.span.end].to_owned(),
        )
    }

    #[test]
    fn literal_keys_map_to_their_own_line_and_columns() {
        assert_eq!(
            mapped_line("nodeSelector"),
            (11, false, "nodeSelector".into())
        );
        assert_eq!(mapped_line("kind"), (2, false, "kind".into()));
    }

    #[test]
    fn output_of_an_action_maps_to_the_action() {
        let (line, approx, text) = mapped_line("kubernetes.io/os");
        assert_eq!((line, approx), (12, false));
        assert!(text.contains("toYaml"), "{text}");
        assert_eq!(mapped_line("chart: y").0, 6);
    }

    #[test]
    fn pattern_lines_and_range_iterations() {
        assert_eq!(mapped_line("name: rel-app-win").0, 4);
        assert_eq!(mapped_line("image: \"img:a\"").0, 17);
        let (line, _, _) = mapped_line("image: \"img:b\"");
        assert_eq!(line, 17);
    }

    #[test]
    fn output_indents() {
        assert_eq!(output_indent("{{ toYaml . | indent 8 }}"), Some(8));
        assert_eq!(
            output_indent("{{- include \"x\" . | nindent 12 -}}"),
            Some(12)
        );
        assert_eq!(output_indent("{{ .Values.x }}"), None);
    }

    #[test]
    fn control_actions_are_recognised() {
        assert!(is_control("{{- if .Values.x }}"));
        assert!(is_control("{{ end }}"));
        assert!(is_control("{{- $x := .Values }}"));
        assert!(is_control("{{/* note */}}"));
        assert!(!is_control("{{ toYaml . | nindent 8 }}"));
        assert!(!is_control("{{ .Values.endpoint }}"));
    }
}
