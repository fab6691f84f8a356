use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Ident(String),
    Op(char),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "{n}"),
            Token::Ident(s) => write!(f, "{s}"),
            Token::Op(c) => write!(f, "{c}"),
        }
    }
}

pub fn tokenize(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || d == '.' { s.push(d); chars.next(); } else { break; }
            }
            out.push(Token::Number(s.parse().unwrap_or(0.0)));
        } else if c.is_alphabetic() {
            let ident: String = std::iter::from_fn(|| chars.next_if(|x| x.is_alphanumeric())).collect();
            out.push(Token::Ident(ident));
        } else {
            if !c.is_whitespace() { out.push(Token::Op(c)); }
            chars.next();
        }
    }
    out
}

pub fn count_idents(tokens: &[Token]) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for t in tokens {
        if let Token::Ident(name) = t {
            *counts.entry(name.as_str()).or_insert(0) += 1;
        }
    }
    counts
}
