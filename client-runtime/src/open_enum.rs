//! [`open_enum!`](crate::open_enum): string enums that keep values they do not know.

/// Declares a string enum whose last variant, marked `#[unknown]`, keeps any value not
/// listed, as sent.
///
/// Each listed variant names its wire value; the enum gets `as_str`, `From<&str>`,
/// `Display`, serde impls and [`QueryValue`](crate::QueryValue):
///
/// ```
/// harvest_client_runtime::open_enum! {
///     /// A traffic light.
///     pub enum Light {
///         Red = "red",
///         FlashingYellow = "flashing-yellow",
///         #[unknown]
///         Other(String),
///     }
/// }
/// assert_eq!(Light::from("red"), Light::Red);
/// assert_eq!(Light::from("blue").as_str(), "blue");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($variant:ident = $wire:literal,)*
            #[unknown]
            $other:ident(String) $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values this client does not know are kept, not rejected.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $(#[doc = concat!("`", $wire, "`")] $variant,)*
            /// A value this version of the client does not know, kept as sent.
            $other(::std::string::String),
        }
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::$other(s) => s,
                }
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as $crate::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(s.as_str()))
            }
        }
        impl $crate::QueryValue for $name {
            fn to_query(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }
    };
}
