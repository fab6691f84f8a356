#version 330 core
in vec2 vUv;
out vec4 fragColor;
uniform sampler2D uTexture;
uniform vec2 uTexel;

void main() {
    vec4 sum = vec4(0.0);
    for (int x = -2; x <= 2; ++x) {
        for (int y = -2; y <= 2; ++y) {
            sum += texture(uTexture, vUv + vec2(x, y) * uTexel);
        }
    }
    fragColor = sum / 25.0;
}
